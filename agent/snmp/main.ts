/**
 * `deno task snmp -- (--master tcp:127.0.0.1:705 | --standalone 127.0.0.1:16161 --community public)
 * [--status-url http://127.0.0.1:4101/status] [--database-url URL] [--refresh 10s]`: exposes agent
 * and status information as SONDE-MIB (1.3.6.1.4.1.99999.1). This file only wires modules together.
 * @module
 */
import { configHelp, loadConfig, parseHostPort, type Schema } from "@sonde/shared/config";
import { ConfigError } from "@sonde/shared/errors";
import { openStore, type Store } from "@sonde/shared/db";
import { runServices, startProcess } from "@sonde/shared/service";
import { ensureServiceIdentity } from "@sonde/shared/trust";
import { startSnmpAgent } from "./snmp_agent.ts";
import { standaloneFrontend } from "./standalone.ts";
import { subagentFrontend } from "./subagent.ts";

const schema = {
  etc: { type: "path", default: "./data/etc", env: "SONDE_ETC", help: "certificates and trust files" },
  master: {
    type: "string",
    env: "SONDE_SNMP_MASTER",
    help: "AgentX master, tcp:HOST:PORT (e.g. tcp:127.0.0.1:705)",
  },
  standalone: {
    type: "hostport",
    env: "SONDE_SNMP_STANDALONE",
    help: "serve SNMP v2c on this UDP address instead",
  },
  community: {
    type: "string",
    default: "public",
    env: "SONDE_SNMP_COMMUNITY",
    help: "community (standalone)",
  },
  statusUrl: {
    type: "url",
    default: "http://127.0.0.1:4101/status",
    env: "SONDE_SNMP_STATUS_URL",
    help: "the agent's local status endpoint",
  },
  databaseUrl: {
    type: "url",
    env: "DATABASE_URL",
    flag: "database-url",
    help: "PostgreSQL for the service table",
  },
  refresh: {
    type: "duration",
    default: "10s",
    min: 100,
    env: "SONDE_SNMP_REFRESH",
    help: "refresh interval",
  },
} satisfies Schema;

if (Deno.args.includes("--help")) {
  console.log(`Usage: deno task snmp [flags]\n\n${configHelp(schema)}`);
  Deno.exit(0);
}

const services = await startProcess("snmp", async (started) => {
  const config = loadConfig(schema, { args: Deno.args });
  if (!config.master === !config.standalone) {
    throw new ConfigError(["give exactly one of --master tcp:HOST:PORT and --standalone HOST:PORT"]);
  }
  if (config.master && !config.master.startsWith("tcp:")) {
    throw new ConfigError([`--master must look like tcp:HOST:PORT: current value is "${config.master}"`]);
  }
  await ensureServiceIdentity(config.etc, "snmp");
  let store: Store | undefined;
  if (config.databaseUrl) {
    const s = await openStore({ databaseUrl: config.databaseUrl, migrate: false, maxConnections: 2 });
    store = s;
    started.push({ name: "store", stop: () => s.close() });
  }
  started.push(
    await startSnmpAgent({
      frontend: config.master
        ? subagentFrontend(parseHostPort(config.master.slice(4)))
        : standaloneFrontend(config.standalone!, config.community),
      statusUrl: config.statusUrl,
      refreshMs: config.refresh,
      store,
    }),
  );
});
await runServices("snmp", services);
