/**
 * Web benchmarks with 5,000 services (development backend, real Webservice, real Chromium):
 * - `status_view_render_ms`: navigation to `#/status` until the tree's rows are in the DOM (median of 5;
 *   a full page load each time, already signed in);
 * - `status_view_all_rows_ms`: `Expand all` (5,000 services + groups), scroll to the end, until the last
 *   service row is rendered (the tree renders only rows near the viewport);
 * - `status_api_p95_ms`: p95 of `GET /api/status` (about 1.3 MB of JSON), 200 sequential calls.
 */
import { median, percentile, report } from "./median.ts";
import { launchChromium, startDevWeb } from "../tests/browser_harness.ts";

const PASSWORD = "bench-password-123";
const SERVICES = 5000;

const web = await startDevWeb(PASSWORD, { services: SERVICES, liveEveryMs: 0, requests: 200 });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${web.url}/`);
  await page.getByLabel("User name").fill("admin");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("status-tree").waitFor();

  const render: number[] = [];
  const all: number[] = [];
  for (let i = 0; i < 6; i++) {
    await page.goto("about:blank");
    const t0 = performance.now();
    await page.goto(`${web.url}/#/status`);
    await page.locator("[data-testid=status-tree] tbody tr").first().waitFor();
    if (i > 0) render.push(performance.now() - t0); // first run warms caches
    const t1 = performance.now();
    await page.getByRole("button", { name: "Expand all" }).click();
    await page.waitForFunction(
      () => {
        scrollTo(0, document.body.scrollHeight);
        const rows = document.querySelectorAll("[data-testid=status-tree] tbody tr");
        return rows.length > 1 && document.body.scrollHeight > 5000 * 30 &&
          !rows[rows.length - 1]!.classList.contains("spacer");
      },
      undefined,
      { polling: 16 },
    );
    if (i > 0) all.push(performance.now() - t1);
  }
  report("status_view_render_ms", median(render), "ms");
  report("status_view_all_rows_ms", median(all), "ms");

  const cookies = await page.context().cookies();
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 220; i++) {
    const t0 = performance.now();
    const res = await fetch(`${web.url}/api/status`, { headers: { cookie } });
    const body = await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET /api/status answered ${res.status}`);
    if (i >= 20) times.push(performance.now() - t0);
    bytes = body.byteLength;
  }
  report("status_api_p95_ms", percentile(times, 95), "ms");
  report("status_api_median_ms", median(times), "ms");
  console.log(`# /api/status body ${bytes} bytes for ${SERVICES} services`);
} finally {
  await browser.close();
  await web.stop();
}
Deno.exit(0);
