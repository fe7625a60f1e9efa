/**
 * The Server process's settings (flags, environment, file), shared by `server/main.ts` and the
 * all-in-one `main.ts`.
 * @module
 */
import type { Schema } from "@sonde/shared/config";

/** Settings of the Server service. */
export const SERVER_SCHEMA = {
  data: {
    type: "path",
    default: "./data",
    env: "SONDE_DATA",
    help: "data folder (telemetry day files; embedded database)",
  },
  etc: { type: "path", env: "SONDE_ETC", help: "certificate folder (default <data>/etc)" },
  databaseUrl: {
    type: "url",
    env: "DATABASE_URL",
    flag: "database-url",
    help: "PostgreSQL URL (embedded PGlite when absent)",
  },
  listen: {
    type: "hostport",
    default: "127.0.0.1:4300",
    env: "SONDE_SERVER_LISTEN",
    help: "mTLS API for Worker, Webservice and Ecomm",
  },
  metricsListen: {
    type: "hostport",
    default: "127.0.0.1:9464",
    env: "SONDE_METRICS_LISTEN",
    help: "Prometheus /metrics (plain HTTP)",
  },
  agents: {
    type: "path",
    env: "SONDE_AGENTS",
    help: 'JSON file of agents to register: [{"name","address"}]',
  },
  pullInterval: {
    type: "duration",
    default: "10s",
    env: "SONDE_PULL_INTERVAL",
    help: "how often every agent is pulled",
  },
  pullConcurrency: { type: "int", default: 64, min: 1, help: "agents pulled at the same time" },
  counterInterval: {
    type: "duration",
    default: "10s",
    help: "counter collection interval pushed to every agent",
  },
  leaseTtl: {
    type: "duration",
    default: "10s",
    help: "pull lease time; a standby takes over within about this long",
  },
} satisfies Schema;

/** Reads an agents file: a JSON list of `{name, address}`. */
export async function readAgentsFile(path: string): Promise<{ name: string; address: string }[]> {
  const value = JSON.parse(await Deno.readTextFile(path));
  if (!Array.isArray(value)) {
    throw new SyntaxError(`Cannot read agents file "${path}": expected a JSON list of {"name","address"}`);
  }
  return value as { name: string; address: string }[];
}
