/**
 * Bulk insert of request rows: the whole batch travels as one JSON text parameter expanded by
 * `jsonb_to_recordset`, fast on postgres.js and PGlite alike, with `ON CONFLICT DO NOTHING` (the
 * idempotence the crash-safety contract relies on). The search words arrive as a `tsvector` literal
 * (shared/telemetry/search.ts), so PostgreSQL parses no text. COPY was tried: it cannot skip conflicts, and COPY
 * through a staging table hangs on the postgres.js driver (shared/db/drivers.ts) here.
 * @module
 */
import { type Kysely, sql, type Transaction } from "kysely";
import { type Database, PartitionCache } from "@sonde/shared/db";
import { columnsFor, type LogPool, poolTable } from "./log_pools.ts";
import type { RecordLocation } from "./segment_writer.ts";
import type { Summary } from "./summarize.ts";
import { searchDocument } from "@sonde/shared/telemetry/search";

/** One row of `request`, with JSON values as plain values. */
export interface RequestRow {
  log_pool_id: number;
  /** ISO time with microseconds. */
  start_ts: string;
  request_id: string;
  name: string;
  duration_us: number;
  status: string;
  event_count: number;
  agents: number[];
  applications: string[];
  tiers: string[];
  columns: Record<string, string | number>;
  file: string;
  file_offset: number;
  file_length: number;
  /**
   * The words the request is found by (a `tsvector` literal): its name, column values, applications,
   * tiers, event texts and string parameter values (these two at most 2 KB).
   */
  search_doc: string;
}

const SEARCH_TEXT_MAX = 2048;

/**
 * Texts a user may search a request by, besides its name, tiers and columns: event texts and string
 * parameter values, each once, in order, at most 2 KB of them.
 */
export function searchTexts(
  events: { text: string; params?: { type: string; value: unknown }[] }[],
): string[] {
  const seen = new Set<string>();
  let budget = SEARCH_TEXT_MAX;
  const add = (v: string) => {
    if (budget <= 0) return;
    if (v.length > budget) v = v.slice(0, budget);
    if (v === "" || seen.has(v)) return;
    seen.add(v);
    budget -= v.length + 1;
  };
  for (const e of events) {
    add(e.text);
    for (const p of e.params ?? []) if (p.type === "string") add(String(p.value));
  }
  return [...seen];
}

/** Inserts rows, skipping any whose key `(log_pool_id, start_ts, request_id)` exists. */
export async function insertRequestRows(
  db: Transaction<Database> | Kysely<Database>,
  rows: RequestRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await sql`insert into request (log_pool_id, start_ts, request_id, name, duration_us, status, event_count,
      agents, applications, tiers, columns, file, file_offset, file_length, search_doc)
    select log_pool_id, start_ts, request_id, name, duration_us, status, event_count,
      agents, applications, tiers, columns, file, file_offset, file_length, cast(search_doc as tsvector)
    from jsonb_to_recordset(cast(${JSON.stringify(rows)}::text as jsonb)) as x(
      log_pool_id int4, start_ts timestamptz, request_id text, name text, duration_us int8, status text,
      event_count int4, agents jsonb, applications jsonb, tiers jsonb, columns jsonb, file text,
      file_offset int8, file_length int4, search_doc text)
    on conflict (log_pool_id, start_ts, request_id) do nothing`.execute(db);
}

/** A request written to a segment file, with the pools it goes to. */
export interface WrittenRequest {
  s: Summary;
  loc: RecordLocation;
  pools: LogPool[];
}

function isoMicros(us: number): string {
  const iso = new Date(Math.floor(us / 1000)).toISOString();
  return `${iso.slice(0, 23)}${String(((us % 1000) + 1000) % 1000).padStart(3, "0")}Z`;
}

/** The rows of written requests: one per request and log pool. */
export function buildRows(written: WrittenRequest[]): RequestRow[] {
  return written.flatMap(({ s, loc, pools }) => {
    const name = s.name.slice(0, 1000);
    const words = [name, ...s.applications, ...s.tiers, ...searchTexts(s.events)];
    return pools.map((p) => {
      const columns = columnsFor(p, s.events);
      return {
        log_pool_id: p.id,
        start_ts: isoMicros(s.startUs),
        request_id: s.requestId,
        name,
        duration_us: s.durationUs,
        status: s.status,
        event_count: s.events.length,
        agents: s.agents,
        applications: s.applications,
        tiers: s.tiers,
        columns,
        file: loc.file,
        file_offset: loc.offset,
        file_length: loc.length,
        search_doc: searchDocument([...words, ...Object.values(columns).map(String)]),
      };
    });
  });
}

/**
 * Creates missing day partitions, then in one transaction inserts the rows of `written` and runs
 * `also(tx)` (the deletion of freed pending rows).
 */
export async function writeRequestRows(
  db: Kysely<Database>,
  partitions: Map<number, PartitionCache>,
  written: WrittenRequest[],
  also: (tx: Transaction<Database>) => Promise<void>,
): Promise<void> {
  const days = new Map<number, number[]>();
  for (const w of written) {
    for (const p of w.pools) {
      const list = days.get(p.id) ?? [];
      list.push(Math.floor(w.s.startUs / 1000));
      days.set(p.id, list);
    }
  }
  for (const [poolId, ts] of days) {
    let cache = partitions.get(poolId);
    if (!cache) partitions.set(poolId, cache = new PartitionCache(poolTable(poolId)));
    await cache.ensure(db, ts);
  }
  const rows = buildRows(written);
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < rows.length; i += 5000) await insertRequestRows(tx, rows.slice(i, i + 5000));
    await also(tx);
  });
}
