/**
 * `deno task server`: the Server service as its own process. Pulls agents over mTLS, serves the
 * configuration API to Worker / Webservice / Ecomm over mTLS, and `/metrics` on loopback.
 * Two such processes on one database form an active / standby pair (the pull lease).
 */
import { configHelp, loadConfig } from "@sonde/shared/config";
import { openStore } from "@sonde/shared/db";
import { fileTrustPolicy, serveMtls } from "@sonde/shared/mtls";
import { runServices, startProcess } from "@sonde/shared/service";
import { ensureServiceIdentity } from "@sonde/shared/trust";
import { createBackendRouter } from "@sonde/shared/wire/api_rpc";
import { startServer } from "./server.ts";
import { createAssembler } from "./telemetry/assembler.ts";
import type { ServerHandle } from "./server.ts";
import { createLogger } from "@sonde/shared/log";
import { readAgentsFile, SERVER_SCHEMA } from "./settings.ts";
import { registerAgents } from "./register.ts";

const regLog = createLogger("server");

if (Deno.args.includes("--help")) {
  console.log(`Usage: deno task server [flags]\n\n${configHelp(SERVER_SCHEMA)}`);
  Deno.exit(0);
}

const services = await startProcess("server", async (started) => {
  const c = loadConfig(SERVER_SCHEMA, { args: Deno.args });
  const etc = c.etc ?? `${c.data}/etc`;
  const identity = await ensureServiceIdentity(etc, "server");
  const store = await openStore({ databaseUrl: c.databaseUrl, dataDir: c.data });
  started.push({ name: "store", stop: () => store.close() });
  let handle: ServerHandle | undefined;
  // created each time this server takes the pull lease (standby-safe)
  const assembler = () =>
    createAssembler({
      store,
      dataDir: c.data,
      onRegistration: (app) =>
        void handle?.config.ensureAppServices(app, null).catch((e) =>
          regLog.warn("cannot register application", { app: app.appName, error: String(e) })
        ),
    });
  const server = handle = await startServer({
    store,
    identity,
    assembler,
    dataDir: c.data,
    pull: { intervalMs: c.pullInterval, concurrency: c.pullConcurrency },
    leaseTtlMs: c.leaseTtl,
    counterIntervalMs: c.counterInterval,
  });
  started.push(server);
  if (c.agents) await registerAgents(store, server.config, await readAgentsFile(c.agents));
  const api = await serveMtls(createBackendRouter(server.configApi), {
    listen: c.listen,
    identity,
    trust: fileTrustPolicy(identity.trustFile),
    name: "server",
  });
  started.push(api);
  const metrics = Deno.serve(
    { hostname: c.metricsListen.hostname, port: c.metricsListen.port, onListen: () => {} },
    (req) =>
      new URL(req.url).pathname === "/metrics"
        ? new Response(server.metrics.render(), { headers: { "content-type": "text/plain; version=0.0.4" } })
        : new Response("not found", { status: 404 }),
  );
  started.push({ name: "metrics", stop: () => metrics.shutdown() });
});
await runServices("server", services);
