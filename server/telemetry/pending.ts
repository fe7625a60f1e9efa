/**
 * Crash safety of assembly: raw pulled events are stored in `telemetry_pending` inside the Server's
 * pull transaction (together with the agent cursor), one row per request id and pulled batch, and
 * deleted in the same transaction that inserts the assembled request rows. After a restart the rows
 * still there are exactly the events not yet assembled.
 * @module
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "@sonde/shared/db";
import type { TelemetryEvent } from "@sonde/shared/wire/telemetry";

/** Events of one request from one pulled batch, with the id of the pending row holding them. */
export interface StagedGroup {
  requestId: string;
  pendingId: number;
  events: TelemetryEvent[];
}

/** What {@linkcode persistPending} stored; hand it to the assembler after the transaction committed. */
export interface StagedEvents {
  agentId: number;
  groups: StagedGroup[];
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

const CHUNK = 1000;

/** Inserts the events as pending rows using `tx` (the caller's transaction). */
export async function persistPending(
  tx: Transaction<Database> | Kysely<Database>,
  agentId: number,
  events: TelemetryEvent[],
): Promise<StagedEvents> {
  const staged: StagedEvents = { agentId, groups: [] };
  const entries = [...groupByRequest(events)];
  for (let i = 0; i < entries.length; i += CHUNK) {
    const part = entries.slice(i, i + CHUNK);
    const rows = await tx.insertInto("telemetry_pending")
      .values(
        part.map(([requestId, evs]) => ({
          request_id: requestId,
          agent_id: agentId,
          events: JSON.stringify(evs),
        })),
      )
      .returning(["id", "request_id"])
      .execute();
    // rows come back in insertion order; match by position and check the request id
    rows.forEach((row, k) => {
      const [requestId, evs] = part[k]!;
      if (row.request_id !== requestId) throw new Error(`pending insert returned rows out of order at ${k}`);
      staged.groups.push({ requestId, pendingId: row.id, events: evs });
    });
  }
  return staged;
}

/** A pending row's key. */
export interface PendingKey {
  requestId: string;
  id: number;
}

/** Deletes pending rows (the request id lets PostgreSQL use the primary key). */
export async function deletePending(
  tx: Transaction<Database> | Kysely<Database>,
  keys: PendingKey[],
): Promise<void> {
  for (let i = 0; i < keys.length; i += 4000) {
    const part = keys.slice(i, i + 4000);
    await tx.deleteFrom("telemetry_pending")
      .where("request_id", "in", [...new Set(part.map((k) => k.requestId))])
      .where("id", "in", part.map((k) => k.id))
      .execute();
  }
}

/** Every pending row, oldest first (for recovery after a restart). */
export async function* loadPending(db: Kysely<Database>, pageSize = 2000): AsyncGenerator<StagedEvents> {
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom("telemetry_pending").select(["id", "request_id", "agent_id", "events"])
      .where("id", ">", after).orderBy("id").limit(pageSize).execute();
    if (rows.length === 0) return;
    for (const r of rows) {
      yield {
        agentId: r.agent_id,
        groups: [{ requestId: r.request_id, pendingId: r.id, events: JSON.parse(r.events) }],
      };
    }
    after = rows[rows.length - 1]!.id;
  }
}
