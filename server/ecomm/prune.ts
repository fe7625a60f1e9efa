/**
 * Outbox retention: `sent` and `failed` rows older than `keepMs` are deleted, at most `max` per call,
 * so the outbox stays bounded without a long-running bulk delete. Pending rows are never pruned.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "@sonde/shared/db";

/** Deletes up to `max` settled rows created before `now - keepMs`; returns how many. */
export async function pruneOutbox(
  db: Kysely<Database>,
  keepMs: number,
  max: number,
  now = Date.now(),
): Promise<number> {
  const cutoff = new Date(now - keepMs);
  const gone = await db.deleteFrom("notification_outbox")
    .where(
      "id",
      "in",
      (qb) =>
        qb.selectFrom("notification_outbox").select("id").where("state", "in", ["sent", "failed"])
          .where("created_at", "<", cutoff).orderBy("id").limit(max),
    )
    .returning("id").execute();
  return gone.length;
}
