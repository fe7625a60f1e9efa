/**
 * `deno task start`: the all-in-one mode. Embedded database (or `DATABASE_URL`), every server-side
 * service in one process (Server, telemetry assembly, Worker, Webservice) and a local agent monitoring
 * this host, pulled over mTLS on loopback like any other agent. This file only wires modules together.
 */
import { Hono } from "hono";
import { configHelp, loadConfig, type Schema } from "@sonde/shared/config";
import { installation, openStore } from "@sonde/shared/db";
import { createLogger } from "@sonde/shared/log";
import { runServices, startProcess } from "@sonde/shared/service";
import { ensureServiceIdentity } from "@sonde/shared/trust";
import { VERSION } from "@sonde/shared/version";
import { startAgent } from "./agent/agent.ts";
import { journalIntake } from "./agent/journal_intake.ts";
import { startServer } from "./server/server.ts";
import { registerAgents } from "./server/register.ts";
import { createAssembler } from "./server/telemetry/assembler.ts";
import { startEcomm } from "./server/ecomm/ecomm.ts";
import { createWorker } from "./worker/worker.ts";
import { composeBackend } from "./web/compose.ts";
import { createWebApp, ensureFirstAdmin } from "./web/app.ts";
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
  agentListen: {
    type: "hostport",
    default: "127.0.0.1:4100",
    env: "SONDE_AGENT_LISTEN",
    help: "local agent's pull endpoint (mTLS)",
  },
  agentStatusListen: { type: "hostport", default: "127.0.0.1:4101", help: "local agent's read-only status" },
  intakeListen: {
    type: "hostport",
    default: "127.0.0.1:4318",
    env: "SONDE_INTAKE_LISTEN",
    help: "telemetry intake (SDK, OTLP/HTTP)",
  },
  pullInterval: {
    type: "duration",
    default: "10s",
    env: "SONDE_PULL_INTERVAL",
    help: "how often agents are pulled",
  },
  counterInterval: { type: "duration", default: "10s", help: "counter collection interval of the agents" },
} satisfies Schema;

if (Deno.args.includes("--help")) {
  console.log(`Usage: deno task start [flags]\n\n${configHelp(schema)}`);
  Deno.exit(0);
}

const log = createLogger("sonde");
const services = await startProcess("start", async (started) => {
  const c = loadConfig(schema, { args: Deno.args });
  const etc = c.etc ?? `${c.data}/etc`;
  const store = await openStore({ databaseUrl: c.databaseUrl, dataDir: c.data });
  started.push({ name: "store", stop: () => store.close() });
  const install = await installation(store.db);

  const worker = createWorker({ store, dataDir: c.data });
  started.push(worker);
  let server: Awaited<ReturnType<typeof startServer>> | undefined = undefined;
  const assembler = await createAssembler({
    store,
    dataDir: c.data,
    // applications registering through the SDK get their service groups and services
    onRegistration: (app) =>
      void server?.config.ensureAppServices(app, null).catch((e) =>
        log.warn("cannot register application", { app: app.appName, error: String(e) })
      ),
  });
  const ecomm = startEcomm({ store });
  started.push(ecomm);
  server = await startServer({
    store,
    identity: await ensureServiceIdentity(etc, "server"),
    assembler,
    dataDir: c.data,
    pull: { intervalMs: c.pullInterval },
    counterIntervalMs: c.counterInterval,
    sessions: () => worker.activeSessions(),
    onStatusChange: () => ecomm.wake(),
  });
  started.push(server);

  const agent = await startAgent({
    etc,
    data: c.data,
    listen: c.agentListen,
    statusListen: c.agentStatusListen,
    intake: (journal, config) => journalIntake(journal, config, c.intakeListen),
  });
  started.push(agent);
  await registerAgents(store, server.config, [{
    name: Deno.hostname(),
    address: `127.0.0.1:${agent.pullPort}`,
  }]);

  const backend = composeBackend(
    worker,
    server.configApi,
    `http://${c.intakeListen.hostname}:${c.intakeListen.port}`,
  );
  await ensureFirstAdmin(store, Deno.env.get("SONDE_ADMIN_PASSWORD"));
  const app = new Hono();
  // Prometheus scrapes from this host only; elsewhere run `deno task server` with --metrics-listen
  const metrics = server.metrics;
  app.get("/metrics", (ctx) => {
    const peer = (ctx.env as { remoteAddr?: { hostname?: string } } | undefined)?.remoteAddr?.hostname ?? "";
    if (!/^(127\.|::1$|::ffff:127\.)/.test(peer)) {
      return ctx.text("metrics are served to 127.0.0.1 only\n", 403);
    }
    return ctx.text(metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" });
  });
  app.route(
    "/",
    createWebApp({
      version: VERSION,
      backend,
      store,
      health: () =>
        Promise.resolve({ store: store.engine, installation: install.id, since: install.createdAt }),
    }),
  );
  const web = await serveWeb(app, c.listen);
  started.push(web);
  const url = `http://${c.listen.hostname}:${web.port}`;
  log.info("started", { url, data: c.data, etc, engine: store.engine, version: VERSION });
  console.log(`Sonde is running: ${url}`);
});
await runServices("sonde", services);
