/**
 * End to end in Chromium against `deno task start` (main.ts, a temporary data folder, the local agent):
 * log in; create a service on the local agent with a TCP check in the editor and see the agent run it;
 * see it in the status tree; open its chart of a real counter; run the SDK demo and open one of its
 * requests and the waterfall; use the live view; log out.
 * Screenshots go to tests/artifacts/start_*.png.
 *
 * Skips (with a message, and passes) while `deno task start` does not give the Webservice its store
 * (`/api/session` answers 503).
 */
import type { Page } from "playwright-core";
import { assert, assertEquals } from "./helpers/assert.ts";
import { freePort } from "./helpers/postgres.ts";
import { launchChromium, shot } from "./browser_harness.ts";
import { startDemo } from "../sdk/demo/tiers.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const PASSWORD = "start-e2e-password";

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

function skip(reason: string): void {
  console.log(`SKIP browser_start_test: ${reason}`);
}

async function apiJson(page: Page, path: string): Promise<unknown> {
  const res = await page.request.get(path);
  return res.ok() ? await res.json() : undefined;
}

Deno.test({
  name:
    "browser e2e against deno task start: login, real status tree, chart, new check runs, waterfall, live, logout",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const data = await Deno.makeTempDir({ prefix: "sonde-e2e-" });
    const port = freePort();
    const url = `http://127.0.0.1:${port}`;
    const intake = `127.0.0.1:${freePort()}`;
    const ports = ["--agent-listen", "--agent-status-listen"]
      .flatMap((f) => [f, `127.0.0.1:${freePort()}`])
      .concat(["--intake-listen", intake])
      .concat(["--pull-interval", "2s", "--counter-interval", "2s"]);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "--data", data, "--listen", `127.0.0.1:${port}`, ...ports],
      env: { SONDE_ADMIN_PASSWORD: PASSWORD, SONDE_LOG_LEVEL: "warn" },
      stdout: "null",
      stderr: "null",
    }).spawn();
    const browser = await launchChromium();
    try {
      await waitFor("healthz", async () => {
        const res = await fetch(`${url}/healthz`);
        await res.body?.cancel();
        return res.ok || undefined;
      }, 120_000);
      const session = await fetch(`${url}/api/session`);
      await session.body?.cancel();
      if (session.status === 503) return skip("deno task start does not yet give the Webservice its store");

      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${url}/`);
      await page.getByLabel("User name").fill("admin");
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByTestId("status-tree").waitFor({ timeout: 30_000 });

      // create a service on the local agent and a TCP check through the editor, as an operator would
      await page.goto(`${url}/#/config/services?edit=new`);
      const newService = page.getByRole("form", { name: "New service" });
      await newService.locator("#f-name").fill("e2e host");
      await newService.getByRole("button", { name: "Save" }).click();
      await page.waitForURL(/edit=\d+/);
      const serviceId = Number(new URL(page.url().replace("#/", "")).searchParams.get("edit"));
      await page.goto(`${url}/#/config/services?edit=${serviceId}&check=new`);
      const newCheck = page.getByRole("form", { name: "New check" });
      await newCheck.locator("#f-name").fill("e2e tcp to web");
      await newCheck.locator("#f-type").selectOption("tcp");
      await newCheck.locator("#f-intervalMs").fill("2000");
      await newCheck.locator("#f-params-host").fill("127.0.0.1");
      await newCheck.locator("#f-params-port").fill(String(port));
      await newCheck.getByRole("button", { name: "Save" }).click();
      await newCheck.getByText("Saved", { exact: true }).waitFor();
      const ran = await waitFor("the agent's first result of the new check", async () => {
        const d = (await apiJson(page, `${url}/api/services/${serviceId}`)) as
          | { checks: { name: string; lastRunAt?: string; state: string }[] }
          | undefined;
        const c = d?.checks.find((x) => x.name === "e2e tcp to web");
        return c?.lastRunAt ? c : undefined;
      }, 60_000);
      assertEquals(ran.state, "OK");

      // the status tree shows the service
      await page.goto(`${url}/#/status?q=e2e`);
      await page.getByTestId("status-tree").getByRole("link", { name: /e2e host/ }).waitFor({
        timeout: 30_000,
      });
      await shot(page, "start_01_status");

      // service detail with a chart of a real counter
      await page.goto(`${url}/#/service/${serviceId}?counter=cpu.busy_pct&range=1h`);
      await page.getByText("e2e tcp to web").first().waitFor();
      await waitFor("cpu.busy_pct values", async () => {
        const to = Date.now();
        const agent =
          ((await apiJson(page, `${url}/api/services/${serviceId}`)) as { agentId: number }).agentId;
        const s = (await apiJson(
          page,
          `${url}/api/agents/${agent}/series?key=cpu.busy_pct&from=${to - 3_600_000}&to=${to}`,
        )) as
          | { points: unknown[] }
          | undefined;
        return s && s.points.length > 1 ? s : undefined;
      }, 60_000);
      await page.reload();
      await page.getByTestId("counter-chart").locator("canvas").waitFor({ timeout: 30_000 });
      await shot(page, "start_02_service");

      // the SDK demo sends requests through the local agent's intake; open one and its waterfall
      const events = `http://${intake}/sonde/v1/events`;
      const demo = startDemo({ agents: { web: events, api: events, db: events } });
      let last = "";
      let found: { pool: number; rid: string };
      try {
        found = await waitFor("a request of the SDK demo in a log pool", async () => {
          await (await fetch(`${demo.url}/checkout?user=e2e`)).body?.cancel();
          await Promise.all([demo.tiers.web.flush(), demo.tiers.api.flush(), demo.tiers.db.flush()]);
          const pools = ((await apiJson(page, `${url}/api/pools`)) ?? []) as { id: number }[];
          for (const p of pools) {
            const res = await page.request.get(`${url}/api/pools/${p.id}/requests?limit=1`);
            const text = await res.text();
            last = `pool ${p.id}: ${res.status()} ${text.slice(0, 200)}`;
            const rid = res.ok()
              ? (JSON.parse(text) as { rows: { requestId: string }[] }).rows[0]?.requestId
              : undefined;
            if (rid) return { pool: p.id, rid: rid as string };
          }
          return undefined;
        }, 90_000).catch((e) => {
          throw new Error(`${(e as Error).message}; last answer: ${last}`);
        });
      } finally {
        await demo.stop();
      }
      await page.goto(`${url}/#/pools/${found.pool}`);
      await page.getByTestId("requests").locator("tbody tr").first().waitFor();
      await shot(page, "start_04_pool");
      await page.goto(`${url}/#/pools/${found.pool}/r/${found.rid}`);
      await page.getByTestId("waterfall").locator(".wf-bar").nth(2).waitFor({ timeout: 30_000 });
      await shot(page, "start_05_waterfall");

      // the live view shows new requests as they finish
      await page.goto(`${url}/#/live`);
      await page.getByTestId("live-state").getByText("Receiving").waitFor();
      const live = startDemo({ agents: { web: events, api: events, db: events } });
      const timer = setInterval(() => {
        fetch(`${live.url}/checkout?user=live`).then((r) => r.body?.cancel()).catch(() => {});
        live.tiers.web.flush().catch(() => {});
        live.tiers.api.flush().catch(() => {});
        live.tiers.db.flush().catch(() => {});
      }, 500);
      try {
        await page.getByTestId("requests").locator("tbody tr").first().waitFor({ timeout: 60_000 });
      } finally {
        clearInterval(timer);
        await live.stop();
      }
      await shot(page, "start_06_live");

      await page.getByTestId("logout").click();
      await page.getByLabel("User name").waitFor();
      assertEquals((await page.request.get(`${url}/api/status`)).status(), 401);
      assert(true);
    } finally {
      await browser.close();
      child.kill("SIGTERM");
      await child.status;
      await Deno.remove(data, { recursive: true }).catch(() => {});
    }
  },
});
