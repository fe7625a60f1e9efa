/**
 * `deno task ecomm -- --etc DIR --data DIR [--database-url URL] [--poll 1s]`: the Ecomm service on
 * its own. It reads status events from the store and delivers notifications from the persistent
 * outbox (webhook, SMTP, command line). This file only wires modules together.
 * @module
 */
import { configHelp, loadConfig, type Schema } from "@sonde/shared/config";
import { openStore } from "@sonde/shared/db";
import { createLogger } from "@sonde/shared/log";
import { runServices, startProcess } from "@sonde/shared/service";
import { ensureServiceIdentity } from "@sonde/shared/trust";
import { startEcomm } from "./ecomm.ts";

export { type Ecomm, type EcommOptions, startEcomm } from "./ecomm.ts";

const schema = {
  etc: { type: "path", env: "SONDE_ETC", help: "certificates and trust files (default <data>/etc)" },
  data: { type: "path", default: "./data", env: "SONDE_DATA", help: "data folder (embedded database)" },
  databaseUrl: { type: "url", env: "DATABASE_URL", flag: "database-url", help: "PostgreSQL (else embedded)" },
  poll: {
    type: "duration",
    default: "1s",
    env: "SONDE_ECOMM_POLL",
    min: 10,
    help: "wait between idle ticks",
  },
  maxAttempts: { type: "int", default: 8, min: 1, help: "delivery attempts before a message is given up" },
  backoff: {
    type: "duration",
    default: "5s",
    min: 1,
    help: "delay after the first failed attempt (doubles)",
  },
} satisfies Schema;

if (import.meta.main) {
  if (Deno.args.includes("--help")) {
    console.log(`Usage: deno task ecomm [flags]\n\n${configHelp(schema)}`);
    Deno.exit(0);
  }
  const services = await startProcess("ecomm", async (started) => {
    const config = loadConfig(schema, { args: Deno.args });
    await ensureServiceIdentity(config.etc ?? `${config.data}/etc`, "ecomm");
    const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.data });
    started.push({ name: "store", stop: () => store.close() });
    started.push(startEcomm({
      store,
      pollMs: config.poll,
      maxAttempts: config.maxAttempts,
      backoffMs: config.backoff,
    }));
    createLogger("ecomm").info("running", { engine: store.engine });
  });
  await runServices("ecomm", services);
}
