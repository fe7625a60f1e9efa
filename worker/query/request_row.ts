/**
 * Turning `request` table rows into {@linkcode RequestRow}s: times in µs, status mapped to the API's
 * three states, agent ids to agent names (cached, refreshed when an unknown id appears).
 * @module
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "@sonde/shared/db";
import type { RequestRow, RequestStatus } from "@sonde/shared/api";

/** The columns every request query selects, as raw SQL. */
export const ROW_COLUMNS: RawBuilder<unknown> = sql`request_id, log_pool_id,
  (extract(epoch from start_ts) * 1000000)::int8 as start_us, duration_us, status, agents, applications,
  columns`;

/** A row as selected with {@linkcode ROW_COLUMNS}. */
export interface DbRequestRow {
  request_id: string;
  log_pool_id: number;
  start_us: number | string;
  duration_us: number | string;
  status: string;
  agents: unknown;
  applications: unknown;
  columns: unknown;
}

/** The API status of a stored status (`incomplete` shows as a warning). */
export function apiStatus(status: string): RequestStatus {
  return status === "error" ? "error" : status === "ok" ? "ok" : "warning";
}

/** ISO text with µs of a µs-since-epoch time, for exact `timestamptz` comparisons. */
export function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  return `${new Date(ms).toISOString().slice(0, 23)}${String(us - ms * 1000).padStart(3, "0")}Z`;
}

function json(v: unknown): unknown {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Agent id → name, loaded lazily. */
export class AgentNames {
  #names = new Map<number, string>();
  #ids = new Map<string, number>();
  constructor(private readonly db: Kysely<Database>) {}

  async #load(): Promise<void> {
    const rows = await this.db.selectFrom("agent").select(["id", "name"]).execute();
    this.#names = new Map(rows.map((r) => [r.id, r.name]));
    this.#ids = new Map(rows.map((r) => [r.name, r.id]));
  }

  /** Names of `ids`; an id never seen reloads the table once; unknown ids show as `agent <id>`. */
  async names(ids: number[]): Promise<Map<number, string>> {
    if (ids.some((id) => !this.#names.has(id))) await this.#load();
    return new Map(ids.map((id) => [id, this.#names.get(id) ?? `agent ${id}`]));
  }

  /** The id of agent `name` (or of a numeric id given as text); `undefined` when unknown. */
  async idOf(name: string): Promise<number | undefined> {
    if (/^\d+$/.test(name)) return Number(name);
    if (!this.#ids.has(name)) await this.#load();
    return this.#ids.get(name);
  }
}

/** Converts selected rows, resolving agent names in one go. */
export async function toRequestRows(rows: DbRequestRow[], agents: AgentNames): Promise<RequestRow[]> {
  const parsed = rows.map((r) => ({ r, agentIds: (json(r.agents) as unknown[] ?? []).map(Number) }));
  const names = await agents.names([...new Set(parsed.flatMap((p) => p.agentIds))]);
  return parsed.map(({ r, agentIds }) => ({
    requestId: r.request_id,
    startTs: Number(r.start_us),
    durationUs: Number(r.duration_us),
    status: apiStatus(r.status),
    agents: agentIds.map((id) => names.get(id)!),
    applications: (json(r.applications) as unknown[] ?? []).map(String),
    columns: (json(r.columns) ?? {}) as Record<string, string | number>,
  }));
}
