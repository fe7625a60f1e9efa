/**
 * The client in Chromium against the Webservice with the development backend: log in, status tree,
 * service chart, request waterfall, live view, configuration validation, log out. Screenshots of each
 * view go to tests/artifacts/.
 */
import { assert, assertEquals, assertMatch } from "./helpers/assert.ts";
import { launchChromium, login, shot, startDevWeb } from "./browser_harness.ts";

const PASSWORD = "browser-test-password";

Deno.test({
  name: "browser: log in, status, service chart, waterfall, live view, config validation, log out",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const web = await startDevWeb(PASSWORD, { liveEveryMs: 300 });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));

      await page.goto(`${web.url}/#/status`);
      await page.getByLabel("User name").waitFor();
      await shot(page, "01_login");
      await page.getByLabel("User name").fill("admin");
      await page.getByLabel("Password").fill("wrong-password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByText("wrong user name or password").waitFor();
      await login(page, web.url, "admin", PASSWORD);

      // status tree: groups with states and counts; search narrows it
      const tree = page.getByTestId("status-tree");
      await tree.getByRole("button", { name: /Production/ }).waitFor();
      assert(await tree.locator(".row-service").count() > 0, "services visible");
      await shot(page, "02_status");
      await page.getByLabel("Search services").fill("postgres");
      await tree.getByRole("link", { name: /PostgreSQL primary/ }).waitFor();
      assertEquals(await tree.locator(".row-service").count(), 2);
      assertMatch(page.url(), /q=postgres/);
      await page.getByRole("button", { name: "Problems" }).click();
      await page.getByLabel("Search services").fill("");
      await tree.getByRole("link", { name: /HTTPS shop.example.com/ }).waitFor();

      await page.emulateMedia({ colorScheme: "dark" });
      await shot(page, "02_status_dark");
      await page.emulateMedia({ colorScheme: "light" });

      // service detail: chart with thresholds, deep link with range
      await tree.getByRole("link", { name: /HTTPS shop.example.com/ }).click();
      await page.getByTestId("counter-chart").locator("canvas").waitFor();
      await page.getByRole("button", { name: "24h" }).click();
      await page.waitForURL(/range=24h/);
      await page.getByTestId("counter-chart").locator("canvas").waitFor();
      await page.getByText("State history").waitFor();
      await shot(page, "03_service");
      await page.reload();
      await page.getByTestId("counter-chart").locator("canvas").waitFor();

      // agents
      await page.getByRole("link", { name: "Agents" }).click();
      await page.getByText("Certificate changed").waitFor();
      await shot(page, "04_agents");

      // log pool: list, search, statistics, request waterfall
      await page.getByRole("link", { name: "Log pools" }).click();
      await page.getByTestId("requests").locator("tbody tr").first().waitFor();
      await shot(page, "05_pool_requests");
      await page.getByRole("tab", { name: "Statistics" }).click();
      await page.getByTestId("statistics").locator("canvas").first().waitFor();
      await shot(page, "06_pool_statistics");
      const errRow = web.backend.rows.find((r) => r.status === "error")!;
      await page.goto(`${web.url}/#/pools/1/r/${errRow.requestId}`);
      await page.getByTestId("waterfall").locator(".wf-bar").first().waitFor();
      assert(await page.getByTestId("waterfall").locator(".wf-bar").count() >= 2, "several spans");
      await page.getByTestId("request-errors").getByText("deadlock detected").first().waitFor();
      await shot(page, "07_request_waterfall");

      // live view updates itself
      await page.getByRole("link", { name: "Live" }).click();
      await page.getByTestId("live-state").getByText("Receiving").waitFor();
      await page.getByTestId("requests").locator("tbody tr").nth(2).waitFor({ timeout: 10_000 });
      const before = await page.getByTestId("requests").locator("tbody tr").count();
      await page.waitForFunction(
        (n) => document.querySelectorAll("[data-testid=requests] tbody tr").length > n,
        before,
        { timeout: 10_000 },
      );
      await shot(page, "08_live");

      // recordings: start one for a user, stop it, open its requests and one request
      await page.getByRole("link", { name: "Recordings" }).click();
      const start = page.getByRole("form", { name: "Start a recording" });
      await start.locator("#f-description").fill("ticket 4711: slow checkout");
      await start.getByRole("button", { name: "Start recording" }).click();
      await page.getByTestId("recordings").getByText("running").waitFor();
      await page.waitForTimeout(800); // a few live requests arrive meanwhile
      await page.getByTestId("recordings").getByRole("button", { name: "Stop" }).click();
      await page.getByTestId("recordings").getByText("stopped").waitFor();
      await shot(page, "09_recordings");
      await page.getByTestId("recordings").getByRole("link", { name: /ticket 4711/ }).click();
      await page.getByTestId("requests").locator("tbody tr a").first().click();
      await page.getByTestId("waterfall").locator(".wf-bar").first().waitFor();

      // configuration: a bad URL is reported next to the field
      await page.goto(`${web.url}/#/config/services?edit=2&check=23`);
      const url = page.locator("#f-params-url");
      await url.fill("ftp://nope");
      await page.getByRole("button", { name: "Save" }).last().click();
      await page.locator("#f-params-url-err").getByText("must be an http(s) URL").waitFor();
      await shot(page, "10_config_validation");
      await url.fill("https://shop.example.com/healthz");
      await page.getByRole("button", { name: "Save" }).last().click();
      await page.getByText("Saved", { exact: true }).waitFor();
      await page.goto(`${web.url}/#/config/settings`);
      await page.getByLabel("Time zone").waitFor();
      await shot(page, "11_settings");

      // phone-sized screen
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${web.url}/#/status`);
      await page.reload();
      await page.getByTestId("status-tree").waitFor();
      assert(
        await page.evaluate(() => document.documentElement.scrollWidth <= 392),
        "no horizontal scrolling on a phone",
      );
      await shot(page, "12_status_phone");
      await page.getByRole("button", { name: "Menu" }).click();
      await page.getByTestId("logout").click();
      await page.getByLabel("User name").waitFor();
      const res = await page.request.get(`${web.url}/api/status`);
      assertEquals(res.status(), 401);
      assertEquals(errors, [], "no page errors");
    } finally {
      await browser.close();
      await web.stop();
    }
  },
});
