/**
 * Where the SNMP agent's values come from: the agent's local status endpoint (`GET /status`, plain
 * HTTP on 127.0.0.1) and, optionally, the services and their states from the Server's database.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "@sonde/shared/db";
import type { ServiceRow } from "./sonde_mib.ts";

/** The fields of the agent's status document that SONDE-MIB exposes. */
export interface AgentStatus {
  hostname: string;
  version: string;
  uptimeS: number;
  configVersion: number;
  buffer: { bytes: number; records: number; oldestAgeS: number };
  drops: { records: number; bytes: number };
}

function field(o: unknown, path: string): unknown {
  let v = o;
  for (const k of path.split(".")) {
    v = typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  }
  return v;
}

/** Validates a status document; throws a `TypeError` naming every bad field and its value. */
export function parseAgentStatus(value: unknown): AgentStatus {
  const problems: string[] = [];
  const str = (p: string): string => {
    const v = field(value, p);
    if (typeof v === "string") return v;
    problems.push(`"${p}" must be a string: current value is ${JSON.stringify(v)}`);
    return "";
  };
  const num = (p: string): number => {
    const v = field(value, p);
    if (typeof v === "number" && Number.isFinite(v) && v >= 0) return v;
    problems.push(`"${p}" must be a non-negative number: current value is ${JSON.stringify(v)}`);
    return 0;
  };
  const s: AgentStatus = {
    hostname: str("hostname"),
    version: str("version"),
    uptimeS: num("uptimeS"),
    configVersion: num("configVersion"),
    buffer: {
      bytes: num("buffer.bytes"),
      records: num("buffer.records"),
      oldestAgeS: num("buffer.oldestAgeS"),
    },
    drops: { records: num("drops.records"), bytes: num("drops.bytes") },
  };
  if (problems.length > 0) throw new TypeError(`Cannot parse agent status: ${problems.join("; ")}`);
  return s;
}

/** Fetches and parses the status document at `url` within `timeoutMs`. */
export async function fetchAgentStatus(url: string, timeoutMs: number): Promise<AgentStatus> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new Error(`Cannot read agent status ${url}: ${e instanceof Error ? e.message : e}`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`Cannot read agent status ${url}: HTTP ${res.status}`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(
      `Cannot read agent status ${url}: the body is not JSON: ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
  return parseAgentStatus(json);
}

/** Every service with its current state (UNKNOWN when never evaluated), ordered by id. */
export async function readServiceStates(db: Kysely<Database>): Promise<ServiceRow[]> {
  const rows = await db.selectFrom("service as s")
    .leftJoin("object_status as o", (j) => j.on(sql<boolean>`o.object_id = 's:' || s.id::text`))
    .select(["s.id", "s.name", "o.state", "o.since"]).orderBy("s.id").execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    state: r.state ?? "UNKNOWN",
    since: r.since ? new Date(r.since).toISOString() : "",
  }));
}
