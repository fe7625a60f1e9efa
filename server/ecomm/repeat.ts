/**
 * Reminders: while an object stays in the non-OK state a rule last notified, the rule's channel gets
 * the notification again every `repeat_ms` (unless a maintenance window silences it).
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "@sonde/shared/db";
import { enqueue, loadWindows, payloadOf } from "./enqueue.ts";
import { OK_STATE, silenced } from "./rules.ts";
import type { EcommStats } from "./stats.ts";

/** Enqueues due reminders (at most `max` examined); returns how many were enqueued. */
export async function enqueueRepeats(
  db: Kysely<Database>,
  max: number,
  stats: EcommStats,
  now = new Date(),
): Promise<number> {
  const due = await db.selectFrom("notification_memo as m")
    .innerJoin("notification_rule as r", "r.id", "m.rule_id")
    .innerJoin("notification_channel as c", "c.id", "r.channel_id")
    .innerJoin(
      "object_status as o",
      (j) => j.onRef("o.object_id", "=", "m.object_id").onRef("o.state", "=", "m.state"),
    )
    .innerJoin("status_event as e", "e.id", "m.sent_event_id")
    .where("r.enabled", "=", true).where("c.enabled", "=", true).where("r.repeat_ms", ">", 0)
    .where("m.state", "<>", OK_STATE)
    .where(sql<boolean>`m.sent_at + r.repeat_ms * interval '1 millisecond' <= ${now}`)
    .select([
      "m.rule_id",
      "m.object_id",
      "m.repeats",
      "r.name as rule_name",
      "r.channel_id",
      "e.id",
      "e.ts",
      "e.object_name",
      "e.old_state",
      "e.new_state",
      "e.cause",
    ])
    .orderBy("m.sent_at").limit(max).execute();
  if (due.length === 0) return 0;
  const windows = await loadWindows(db, now);
  let enqueued = 0;
  for (const d of due) {
    if (silenced(windows, d.rule_id, d.object_id, d.object_name, now)) continue;
    const repeat = d.repeats + 1;
    await db.transaction().execute(async (tx) => {
      const ev = { ...d, object_id: d.object_id };
      if (await enqueue(tx, d.channel_id, payloadOf(ev, d.rule_name, repeat), now)) {
        stats.count("repeated");
        enqueued++;
      }
      await tx.updateTable("notification_memo").set({ repeats: repeat, sent_at: now })
        .where("rule_id", "=", d.rule_id).where("object_id", "=", d.object_id).execute();
    });
  }
  return enqueued;
}
