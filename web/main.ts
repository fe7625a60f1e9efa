/**
 * `deno task web`: the Webservice on its own, forwarding queries to the Worker (`--worker-url`) and
 * configuration to the Server (`--server-url`) over mTLS. `--dev` serves an in-memory development
 * backend with plausible data instead (for working on the client). This file only wires modules together.
 */
import { configHelp, loadConfig, type Schema } from "@sonde/shared/config";
import { openStore } from "@sonde/shared/db";
import { createLogger } from "@sonde/shared/log";
import { runServices, startProcess } from "@sonde/shared/service";
import { VERSION } from "@sonde/shared/version";
import { createWebApp, ensureFirstAdmin } from "./app.ts";
import { serveWeb } from "./serve.ts";
import { DevBackend } from "./dev_backend.ts";
import type { Role } from "./auth/users.ts";
import type { Backend } from "./backend.ts";
import { connectRemoteBackend } from "./remote.ts";

const schema = {
  data: { type: "path", default: "./data", env: "SONDE_DATA", help: "data folder (embedded database)" },
  databaseUrl: { type: "url", env: "DATABASE_URL", flag: "database-url", help: "external PostgreSQL" },
  listen: {
    type: "hostport",
    default: "127.0.0.1:8080",
    env: "SONDE_WEB_LISTEN",
    help: "client and API address",
  },
  tlsPem: {
    type: "path",
    env: "SONDE_WEB_TLS_PEM",
    help: "serve HTTPS with this PEM (private key + certificate)",
  },
  authProxyHeader: { type: "string", help: "trust this header (e.g. X-Remote-User) to name the user" },
  trustedProxies: { type: "string", default: "127.0.0.1,::1", help: "comma-separated proxy addresses" },
  authProxyRole: {
    type: "string",
    default: "viewer",
    values: ["viewer", "operator", "admin"],
    help: "role of new proxy users",
  },
  etc: { type: "path", env: "SONDE_ETC", help: "certificates and trust files (default <data>/etc)" },
  workerUrl: {
    type: "url",
    env: "SONDE_WORKER_URL",
    help: "the Worker's mTLS API, e.g. https://127.0.0.1:4200",
  },
  serverUrl: { type: "url", env: "SONDE_SERVER_URL", help: "the Server's mTLS configuration API" },
  intakeUrl: { type: "url", default: "http://127.0.0.1:4318", help: "agent intake for browser telemetry" },
  workerFingerprint: { type: "string", help: "pin of the Worker's certificate (default: read from <etc>)" },
  serverFingerprint: { type: "string", help: "pin of the Server's certificate (default: read from <etc>)" },
  dev: { type: "bool", default: false, help: "serve the in-memory development backend" },
  devServices: { type: "int", default: 12, min: 1, help: "services in the development backend" },
} satisfies Schema;

if (Deno.args.includes("--help")) {
  console.log(`Usage: deno task web [flags]\n\n${configHelp(schema)}`);
  Deno.exit(0);
}

const log = createLogger("web");
const services = await startProcess("web", async (started) => {
  const config = loadConfig(schema, { args: Deno.args });
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.data });
  started.push({ name: "store", stop: () => store.close() });
  await ensureFirstAdmin(store, Deno.env.get("SONDE_ADMIN_PASSWORD"));
  let backend: Backend | undefined;
  if (config.dev) backend = new DevBackend({ services: config.devServices });
  else if (config.workerUrl && config.serverUrl) {
    const remote = await connectRemoteBackend({
      ...config,
      etc: config.etc ?? `${config.data}/etc`,
      workerUrl: config.workerUrl,
      serverUrl: config.serverUrl,
    });
    started.push({ name: "backend", stop: () => Promise.resolve(remote.client.close()) });
    backend = remote.backend;
  } else log.warn("no backend: data routes answer 503 (give --worker-url and --server-url, or --dev)");
  const app = createWebApp({
    version: VERSION,
    health: () =>
      Promise.resolve({ store: store.engine, backend: config.dev ? "dev" : backend ? "remote" : "none" }),
    store,
    backend,
    secureCookies: config.tlsPem !== undefined,
    proxyAuth: config.authProxyHeader
      ? {
        header: config.authProxyHeader,
        trustedProxies: config.trustedProxies.split(",").map((s) => s.trim()).filter(Boolean),
        defaultRole: config.authProxyRole as Role,
      }
      : undefined,
  });
  const web = await serveWeb(app, config.listen, config.tlsPem ? { pemFile: config.tlsPem } : undefined);
  started.push(web);
  const url = `${config.tlsPem ? "https" : "http"}://${config.listen.hostname}:${web.port}`;
  log.info("started", { url, engine: store.engine, dev: config.dev });
  console.log(`Sonde web is running: ${url}`);
});
await runServices("web", services);
