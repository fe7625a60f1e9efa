/**
 * Browser-test harness: Debian's Chromium through playwright-core, and a Webservice on a random port
 * with the development backend and a fresh database.
 * @module
 */
import { type Browser, chromium, type Page } from "playwright-core";
import { openStore, type Store } from "../shared/db/mod.ts";
import { createWebApp, ensureFirstAdmin } from "../web/app.ts";
import { serveWeb } from "../web/serve.ts";
import { ensureClient } from "../web/build.ts";
import { DevBackend, type DevBackendOptions } from "../web/dev_backend.ts";
import { createTestDatabase } from "./helpers/store.ts";

/** Where screenshots go. */
export const ARTIFACTS = new URL("./artifacts/", import.meta.url).pathname;

/**
 * Launches headless Chromium. playwright refuses `--user-data-dir` in `launch()`; it gives every
 * launch a fresh temporary profile itself, which is what the flag was for.
 */
export async function launchChromium(): Promise<Browser> {
  return await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A running Webservice with the development backend. */
export interface DevWeb {
  url: string;
  store: Store;
  backend: DevBackend;
  stop(): Promise<void>;
}

/** Starts the Webservice on 127.0.0.1:0 with admin password `password`. */
export async function startDevWeb(password: string, opts: DevBackendOptions = {}): Promise<DevWeb> {
  await ensureClient();
  const dataDir = await Deno.makeTempDir({ prefix: "sonde-web-" });
  const store = await openStore({ databaseUrl: await createTestDatabase(), dataDir });
  await ensureFirstAdmin(store, password);
  const backend = new DevBackend(opts);
  const app = createWebApp({ version: "test", health: () => Promise.resolve({}), store, backend });
  const web = await serveWeb(app, { hostname: "127.0.0.1", port: 0 });
  return {
    url: `http://127.0.0.1:${web.port}`,
    store,
    backend,
    stop: async () => {
      await web.stop();
      await store.close();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

/** Signs in through the login form. */
export async function login(page: Page, url: string, name: string, password: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel("User name").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("status-tree").waitFor();
}

/** Writes a screenshot to tests/artifacts/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: false });
}
