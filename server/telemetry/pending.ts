/**
 * Crash safety of assembly: each pulled batch of events is stored as one `telemetry_pending` row inside
 * the Server's pull transaction (together with the agent cursor). A row is deleted, in the transaction
 * that inserts request rows, once every request with events in it was written. After a restart the
 * rows still there hold every event not yet assembled (plus events of requests already written, which
 * recovery recognises by their `request` rows and skips).
 * @module
 */
import { type Kysely, sql, type Transaction } from "kysely";
import { copyBinary, type Database } from "@sonde/shared/db";
import { eventsOfBatch, type TelemetryEvent } from "@sonde/shared/wire/types";

/** One pulled batch stored as a pending row; hand it to the assembler after the transaction committed. */
export interface StagedEvents {
  agentId: number;
  pendingId: number;
  events: TelemetryEvent[];
}

/** Groups events by request id, keeping their order. */
export function groupByRequest(events: TelemetryEvent[]): Map<string, TelemetryEvent[]> {
  const groups = new Map<string, TelemetryEvent[]>();
  for (const e of events) {
    const g = groups.get(e.requestId);
    if (g) g.push(e);
    else groups.set(e.requestId, [e]);
  }
  return groups;
}

const enc = new TextEncoder();
const OPEN = enc.encode("[");
const COMMA = enc.encode(",");
const CLOSE = enc.encode("]");
const PENDING_COLUMNS = [
  { name: "id", type: "int8" },
  { name: "agent_id", type: "int4" },
  { name: "events", type: "text" },
] as const;

/**
 * Stores one pulled batch as a pending row using `tx` (the caller's transaction). `raw` is the UTF-8 JSON
 * of the journal records the events were parsed from (`{"app"?:…,"events":[…]}` each, together exactly
 * `events`): it goes to PostgreSQL as a JSON array of those bytes through a binary COPY, never turned
 * into one large string; without it the events are serialized.
 */
export async function persistPending(
  tx: Transaction<Database> | Kysely<Database>,
  agentId: number,
  events: TelemetryEvent[],
  raw?: Uint8Array[],
): Promise<StagedEvents> {
  if (raw) {
    const next = await sql<
      { id: string }
    >`select nextval(pg_get_serial_sequence('telemetry_pending', 'id')) as id`
      .execute(tx);
    const id = Number(next.rows[0]!.id);
    const pieces = [OPEN, ...raw.flatMap((r, i) => (i === 0 ? [r] : [COMMA, r])), CLOSE];
    await copyBinary(tx, "telemetry_pending", PENDING_COLUMNS, [[id, agentId, pieces]]);
    return { agentId, pendingId: id, events };
  }
  const row = await tx.insertInto("telemetry_pending")
    .values({ agent_id: agentId, events: JSON.stringify({ events }) })
    .returning("id").executeTakeFirstOrThrow();
  return { agentId, pendingId: Number(row.id), events };
}

/** Deletes pending rows by id. */
export async function deletePending(
  tx: Transaction<Database> | Kysely<Database>,
  ids: number[],
): Promise<void> {
  for (let i = 0; i < ids.length; i += 5000) {
    await tx.deleteFrom("telemetry_pending").where("id", "in", ids.slice(i, i + 5000)).execute();
  }
}

/**
 * The events of a pending row: a JSON array of batches, or one `{"events":[…]}` object. A byte-order mark
 * before a batch (stored by an earlier version) is skipped.
 */
export function pendingEvents(text: string): TelemetryEvent[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    const repaired = text.replace(/^\uFEFF|(?<=[[,])\uFEFF/g, "");
    if (repaired === text) throw e;
    v = JSON.parse(repaired);
  }
  if (Array.isArray(v)) return v.flatMap((b) => eventsOfBatch(b) ?? []);
  return eventsOfBatch(v) ?? [];
}

/**
 * Every pending row, oldest first (for recovery after a restart). A row that cannot be read is left in
 * place and reported to `onUnreadable` instead of stopping the start.
 */
export async function loadPending(
  db: Kysely<Database>,
  pageSize = 500,
  onUnreadable: (id: number, error: unknown) => void = () => {},
): Promise<StagedEvents[]> {
  const out: StagedEvents[] = [];
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom("telemetry_pending").select(["id", "agent_id", "events"])
      .where("id", ">", after).orderBy("id").limit(pageSize).execute();
    if (rows.length === 0) return out;
    for (const r of rows) {
      try {
        out.push({ agentId: r.agent_id, pendingId: Number(r.id), events: pendingEvents(r.events) });
      } catch (e) {
        onUnreadable(Number(r.id), e);
      }
    }
    after = Number(rows[rows.length - 1]!.id);
  }
}

/** Which of `requestIds` already have a `request` row (in any log pool). */
export async function writtenRequestIds(db: Kysely<Database>, requestIds: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < requestIds.length; i += 5000) {
    const rows = await sql<{ request_id: string }>`select distinct request_id from request
      where request_id in (select jsonb_array_elements_text(cast(${
      JSON.stringify(requestIds.slice(i, i + 5000))
    }::text as jsonb)))`
      .execute(db);
    for (const r of rows.rows) out.add(r.request_id);
  }
  return out;
}
