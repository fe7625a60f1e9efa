/**
 * Copies the requests a stopped session recorded (its time window, its application and filter) with
 * their events into `session_request`, at most {@linkcode MAX_SESSION_REQUESTS}; the rest is counted.
 * @module
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "@sonde/shared/db";
import { errorMessage } from "@sonde/shared/errors";
import type { Logger } from "@sonde/shared/log";
import { appCondition, searchCondition } from "../query/requests.ts";
import { type AgentNames, type DbRequestRow, ROW_COLUMNS, toRequestRows } from "../query/request_row.ts";
import { type RecordReader, toRequestEvents } from "../query/request_detail.ts";

/** Requests one session keeps at most. */
export const MAX_SESSION_REQUESTS = 10_000;

/** What capturing needs. */
export interface CaptureDeps {
  agents: AgentNames;
  dataDir: string;
  read: RecordReader;
  log: Logger;
}

/** The session fields capturing reads. */
export interface CaptureWindow {
  id: string;
  app_name: string | null;
  filter: string | null;
  started_at: Date;
  stopped_at: Date | null;
}

/** Copies the matching requests; returns how many were kept and how many left out. */
export async function captureRequests(
  db: Kysely<Database>,
  deps: CaptureDeps,
  s: CaptureWindow,
): Promise<{ count: number; truncated: number }> {
  const conds: RawBuilder<unknown>[] = [
    sql`start_ts >= ${new Date(s.started_at)}`,
    sql`start_ts < ${new Date(s.stopped_at ?? Date.now())}`,
  ];
  if (s.app_name) conds.push(appCondition(s.app_name));
  const text = s.filter ? searchCondition(s.filter) : undefined;
  if (text) conds.push(text);
  const where = sql.join(conds, sql` and `);
  const found = await sql<DbRequestRow & { file: string; file_offset: number; file_length: number }>`
    select * from (
      select distinct on (request_id) ${ROW_COLUMNS}, file, file_offset, file_length, start_ts
      from request where ${where} order by request_id, log_pool_id
    ) r order by start_ts, request_id limit ${MAX_SESSION_REQUESTS + 1}`.execute(db);
  const rows = found.rows.slice(0, MAX_SESSION_REQUESTS);
  let truncated = 0;
  if (found.rows.length > MAX_SESSION_REQUESTS) {
    const total = await sql<{ n: number }>`select count(distinct request_id) as n from request where ${where}`
      .execute(db);
    truncated = Number(total.rows[0]?.n ?? 0) - MAX_SESSION_REQUESTS;
  }
  const apiRows = await toRequestRows(rows, deps.agents);
  let seq = 0, unreadable = 0;
  const batch: {
    session_id: string;
    seq: number;
    request_id: string;
    row_json: string;
    events_json: string;
  }[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    let events;
    try {
      const stored = await deps.read(deps.dataDir, r.file, Number(r.file_offset), Number(r.file_length));
      events = await toRequestEvents(stored, deps.agents);
    } catch (e) {
      unreadable++;
      if (unreadable === 1) {
        deps.log.warn("session request unreadable", { session: s.id, error: errorMessage(e) });
      }
      continue;
    }
    batch.push({
      session_id: s.id,
      seq: seq++,
      request_id: r.request_id,
      row_json: JSON.stringify(apiRows[i]),
      events_json: JSON.stringify(events),
    });
    if (batch.length >= 200) await db.insertInto("session_request").values(batch.splice(0)).execute();
  }
  if (batch.length > 0) await db.insertInto("session_request").values(batch).execute();
  return { count: seq, truncated: truncated + unreadable };
}
