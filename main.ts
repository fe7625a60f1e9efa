/**
 * `deno task start`: the all-in-one mode. Embedded database (or `DATABASE_URL`), every server-side
 * service in one process and a local agent monitoring this host; the web client on 127.0.0.1:8080.
 * This file only wires modules together.
 */
import { configHelp, loadConfig, type Schema } from "@sonde/shared/config";
import { installation, openStore } from "@sonde/shared/db";
import { createLogger } from "@sonde/shared/log";
import { runServices, startProcess } from "@sonde/shared/service";
import { VERSION } from "@sonde/shared/version";
import { createWebApp } from "./web/app.ts";
import { serveWeb } from "./web/serve.ts";

const schema = {
  data: {
    type: "path",
    default: "./data",
    env: "SONDE_DATA",
    help: "data folder (database, journal, telemetry files)",
  },
  etc: { type: "path", env: "SONDE_ETC", help: "certificate folder (default <data>/etc)" },
  databaseUrl: {
    type: "url",
    env: "DATABASE_URL",
    flag: "database-url",
    help: "external PostgreSQL instead of the embedded one",
  },
  listen: {
    type: "hostport",
    default: "127.0.0.1:8080",
    env: "SONDE_LISTEN",
    help: "web client and API address",
  },
} satisfies Schema;

if (Deno.args.includes("--help")) {
  console.log(`Usage: deno task start [flags]\n\n${configHelp(schema)}`);
  Deno.exit(0);
}

const log = createLogger("sonde");
const services = await startProcess("start", async (started) => {
  const config = loadConfig(schema, { args: Deno.args });
  const etc = config.etc ?? `${config.data}/etc`;
  await Deno.mkdir(etc, { recursive: true });
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.data });
  started.push({ name: "store", stop: () => store.close() });
  const install = await installation(store.db);
  const app = createWebApp({
    version: VERSION,
    health: () =>
      Promise.resolve({ store: store.engine, installation: install.id, since: install.createdAt }),
  });
  const web = await serveWeb(app, config.listen);
  started.push(web);
  const url = `http://${config.listen.hostname}:${web.port}`;
  log.info("started", { url, data: config.data, etc, engine: store.engine, version: VERSION });
  console.log(`Sonde is running: ${url}`);
});
await runServices("sonde", services);
