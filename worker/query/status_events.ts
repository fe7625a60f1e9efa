/**
 * Status changes of services and groups, newest first, filtered by time range and object.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "@sonde/shared/db";
import type { StatusEvent, StatusEventQuery } from "@sonde/shared/api";
import { toState } from "./status_tree.ts";
import { check, checkInt, checkRange, checkTime, objectOf } from "./validate.ts";

/** Largest number of events one query returns. */
export const MAX_STATUS_EVENTS = 5000;

/** Validates a {@linkcode StatusEventQuery}; throws `ValidationError` listing every problem. */
export function parseStatusEventQuery(value: unknown): StatusEventQuery & { limit: number } {
  const problems: string[] = [];
  const o = objectOf(problems, value ?? {}, "query");
  const q: StatusEventQuery & { limit: number } = {
    from: checkTime(problems, o, "from", false),
    to: checkTime(problems, o, "to", false),
    limit: checkInt(problems, o, "limit", 1, MAX_STATUS_EVENTS, false) ?? 500,
  };
  checkRange(problems, q.from, q.to);
  if (o.objectId !== undefined) {
    if (typeof o.objectId !== "string" || !/^[gs]:\d+$/.test(o.objectId)) {
      problems.push(
        `objectId: must look like "s:12" or "g:3": current value is ${JSON.stringify(o.objectId)}`,
      );
    } else q.objectId = o.objectId;
  }
  check(problems);
  return q;
}

/** Status events matching `q`, newest first. */
export async function statusEvents(db: Kysely<Database>, raw: StatusEventQuery): Promise<StatusEvent[]> {
  const q = parseStatusEventQuery(raw);
  let query = db.selectFrom("status_event")
    .select(["ts", "object_id", "object_name", "old_state", "new_state", "cause"]);
  if (q.from !== undefined) query = query.where("ts", ">=", new Date(q.from));
  if (q.to !== undefined) query = query.where("ts", "<", new Date(q.to));
  if (q.objectId !== undefined) query = query.where("object_id", "=", q.objectId);
  const rows = await query.orderBy("ts", "desc").orderBy("id", "desc").limit(q.limit).execute();
  return rows.map((r) => ({
    ts: new Date(r.ts).toISOString(),
    objectId: r.object_id,
    objectName: r.object_name,
    old: toState(r.old_state),
    new: toState(r.new_state),
    cause: r.cause,
  }));
}
