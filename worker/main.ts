/**
 * `deno task worker -- --etc DIR --data DIR [--database-url URL] [--listen HOST:PORT]`: the Worker on
 * its own, serving the query half of the Backend over mTLS to the Server and the Webservice (callers
 * listed in `<etc>/worker/trusted_certificates.cfg`). This file only wires modules together.
 * @module
 */
import { configHelp, loadConfig, type Schema } from "@sonde/shared/config";
import { openStore } from "@sonde/shared/db";
import { runServices, startProcess } from "@sonde/shared/service";
import { ensureServiceIdentity } from "@sonde/shared/trust";
import { fileTrustPolicy, serveMtls } from "@sonde/shared/mtls";
import { createBackendRouter } from "@sonde/shared/wire/api_rpc";
import { createLogger } from "@sonde/shared/log";
import { createWorker } from "./worker.ts";

const schema = {
  etc: { type: "path", env: "SONDE_ETC", help: "certificates and trust files (default <data>/etc)" },
  data: { type: "path", default: "./data", env: "SONDE_DATA", help: "data folder (telemetry day files)" },
  databaseUrl: { type: "url", env: "DATABASE_URL", flag: "database-url", help: "PostgreSQL (else embedded)" },
  listen: {
    type: "hostport",
    default: "127.0.0.1:4200",
    env: "SONDE_WORKER_LISTEN",
    help: "mTLS API address",
  },
} satisfies Schema;

if (Deno.args.includes("--help")) {
  console.log(`Usage: deno task worker [flags]\n\n${configHelp(schema)}`);
  Deno.exit(0);
}

const services = await startProcess("worker", async (started) => {
  const config = loadConfig(schema, { args: Deno.args });
  const identity = await ensureServiceIdentity(config.etc ?? `${config.data}/etc`, "worker");
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.data });
  started.push({ name: "store", stop: () => store.close() });
  const worker = createWorker({ store, dataDir: config.data });
  started.push(worker);
  const server = await serveMtls(createBackendRouter(worker), {
    listen: config.listen,
    identity,
    trust: fileTrustPolicy(identity.trustFile),
    name: "worker",
  });
  started.push(server);
  createLogger("worker").info("started", { port: server.port, engine: store.engine });
});
await runServices("worker", services);
