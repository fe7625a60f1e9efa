/**
 * From status events to outbox rows. Each unnotified event is decided per matching rule, in event-id
 * order: silenced by a maintenance window, deferred until its rule's delay has passed, dropped as a
 * flap when the object changed again within the delay, unchanged when the recipients already know
 * the state, or enqueued (one outbox row per channel). The decisions, the outbox rows and the
 * `notified` flag are written in one transaction, and the outbox's unique `dedupe_key` makes the
 * enqueue exactly-once even when a tick is repeated.
 * @module
 */
import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "@sonde/shared/db";
import type { NotificationPayload } from "./channels/channel.ts";
import { matchesObject, matchesTransition, type Rule, silenced, type Window } from "./rules.ts";
import { EcommStats } from "./stats.ts";

/** Limits of one enqueue pass. */
export interface EnqueueLimits {
  /** Events examined per tick. */
  maxEvents: number;
  /** Pending outbox rows above which new messages are dropped (and counted). */
  maxPending: number;
}

interface EventRow {
  id: number;
  ts: Date;
  object_id: string;
  object_name: string;
  old_state: string;
  new_state: string;
  cause: string;
}

type Decision = "deferred" | "silenced" | "flap" | "unchanged" | "send";

interface Memo {
  rule_id: number;
  object_id: string;
  state: string;
  event_id: number;
  sent_event_id: number | null;
  sent_at: Date | null;
}

/** What the recipients of each (rule, object) know, read once per tick and written back in bulk. */
class Memos {
  private readonly known = new Map<string, Memo>();
  private readonly dirty = new Set<string>();

  static async load(tx: Transaction<Database>, objectIds: string[]): Promise<Memos> {
    const m = new Memos();
    const rows = await tx.selectFrom("notification_memo")
      .select(["rule_id", "object_id", "state", "event_id", "sent_event_id", "sent_at"])
      .where("object_id", "in", objectIds).execute();
    for (const r of rows) m.known.set(`${r.rule_id}|${r.object_id}`, { ...r, sent_at: null });
    return m;
  }

  get(ruleId: number, objectId: string): Memo | undefined {
    return this.known.get(`${ruleId}|${objectId}`);
  }

  set(rule: Rule, ev: EventRow, state: string, sentAt: Date | null): void {
    const key = `${rule.id}|${ev.object_id}`;
    const old = this.known.get(key);
    this.known.set(key, {
      rule_id: rule.id,
      object_id: ev.object_id,
      state,
      event_id: ev.id,
      sent_event_id: sentAt ? ev.id : old?.sent_event_id ?? null,
      sent_at: sentAt ?? old?.sent_at ?? null,
    });
    this.dirty.add(key);
  }

  /** Writes every changed memo; `sent_at` set means "sent this tick" (reminders count from 0 again). */
  async save(tx: Transaction<Database>): Promise<void> {
    const rows = [...this.dirty].map((k) => this.known.get(k)!);
    for (let i = 0; i < rows.length; i += 500) {
      await tx.insertInto("notification_memo").values(rows.slice(i, i + 500))
        .onConflict((oc) =>
          oc.columns(["rule_id", "object_id"]).doUpdateSet({
            state: sql`excluded.state`,
            event_id: sql`excluded.event_id`,
            sent_event_id: sql`coalesce(excluded.sent_event_id, notification_memo.sent_event_id)`,
            sent_at: sql`coalesce(excluded.sent_at, notification_memo.sent_at)`,
            repeats: sql`case when excluded.sent_at is null then notification_memo.repeats else 0 end`,
          })
        ).execute();
    }
  }
}

async function loadRules(db: Kysely<Database>): Promise<Rule[]> {
  const rows = await db.selectFrom("notification_rule as r")
    .innerJoin("notification_channel as c", "c.id", "r.channel_id")
    .where("r.enabled", "=", true).where("c.enabled", "=", true)
    .select([
      "r.id",
      "r.name",
      "r.channel_id",
      "r.object_ids",
      "r.name_pattern",
      "r.transitions",
      "r.delay_ms",
      "r.repeat_ms",
    ])
    .orderBy("r.id").execute();
  return rows;
}

/** Windows still relevant for events at or after `since`. */
export async function loadWindows(db: Kysely<Database>, since: Date): Promise<Window[]> {
  return await db.selectFrom("maintenance_window").where("ends_at", ">", since)
    .select(["rule_id", "object_ids", "name_pattern", "starts_at", "ends_at"]).execute();
}

async function decide(
  tx: Transaction<Database>,
  ev: EventRow,
  rule: Rule,
  memo: Memo | undefined,
  windows: Window[],
  now: Date,
): Promise<{ decision: Decision; known: string }> {
  const known = memo?.state ?? ev.old_state;
  if (memo && memo.event_id >= ev.id) return { decision: "unchanged", known: "" }; // decided before
  const due = new Date(ev.ts.getTime() + rule.delay_ms);
  // deferral first, so a rule decides each object's events strictly in order
  if (rule.delay_ms > 0 && now < due) return { decision: "deferred", known };
  if (silenced(windows, rule.id, ev.object_id, ev.object_name, ev.ts)) return { decision: "silenced", known };
  if (rule.delay_ms > 0) {
    const later = await tx.selectFrom("status_event").select("id").where("object_id", "=", ev.object_id)
      .where("id", ">", ev.id).where("ts", "<=", due).limit(1).executeTakeFirst();
    if (later) return { decision: "flap", known };
  }
  return { decision: matchesTransition(rule.transitions, known, ev.new_state) ? "send" : "unchanged", known };
}

/** The payload of a notification about `ev`. */
export function payloadOf(ev: EventRow, rule: string, repeat: number): NotificationPayload {
  return {
    eventId: ev.id,
    ts: ev.ts.toISOString(),
    objectId: ev.object_id,
    objectName: ev.object_name,
    oldState: ev.old_state,
    newState: ev.new_state,
    cause: ev.cause,
    rule,
    repeat,
  };
}

/** Inserts outbox rows whose dedupe keys are new; returns how many were added. */
export async function enqueueMany(
  tx: Transaction<Database>,
  rows: { channelId: number; payload: NotificationPayload }[],
  now: Date,
): Promise<number> {
  if (rows.length === 0) return 0;
  const added = await tx.insertInto("notification_outbox").values(rows.map(({ channelId, payload }) => ({
    event_id: payload.eventId,
    channel_id: channelId,
    dedupe_key: `${payload.eventId}:${channelId}:${payload.repeat}`,
    payload: JSON.stringify(payload),
    next_attempt_at: now,
  }))).onConflict((oc) => oc.column("dedupe_key").doNothing()).returning("id").execute();
  return added.length;
}

/** Inserts one outbox row unless its dedupe key exists; returns whether a row was added. */
export async function enqueue(
  tx: Transaction<Database>,
  channelId: number,
  payload: NotificationPayload,
  now: Date,
): Promise<boolean> {
  return (await enqueueMany(tx, [{ channelId, payload }], now)) > 0;
}

/**
 * Decides up to `limits.maxEvents` unnotified events in one transaction; returns how many were fully
 * decided (events still waiting for a rule's delay are not counted, so they never make a tick busy).
 */
export async function enqueueEvents(
  db: Kysely<Database>,
  limits: EnqueueLimits,
  stats: EcommStats,
  now = new Date(),
): Promise<number> {
  const events: EventRow[] = await db.selectFrom("status_event")
    .select(["id", "ts", "object_id", "object_name", "old_state", "new_state", "cause"])
    .where("notified", "=", false).orderBy("id").limit(limits.maxEvents).execute();
  if (events.length === 0) return 0;
  const rules = await loadRules(db);
  const windows = await loadWindows(db, events[0]!.ts);
  const counts = new EcommStats();
  await db.transaction().execute(async (tx) => {
    const pending = await tx.selectFrom("notification_outbox").where("state", "=", "pending")
      .select(sql<number>`count(*)::int4`.as("n")).executeTakeFirstOrThrow();
    let room = limits.maxPending - pending.n;
    const memos = await Memos.load(tx, [...new Set(events.map((e) => e.object_id))]);
    const outbox: { channelId: number; payload: NotificationPayload }[] = [];
    const done: number[] = [];
    for (const ev of events) {
      let open = false;
      const channels = new Map<number, NotificationPayload>();
      for (const rule of rules) {
        if (!matchesObject(rule, ev.object_id, ev.object_name)) continue;
        const { decision, known } = await decide(
          tx,
          ev,
          rule,
          memos.get(rule.id, ev.object_id),
          windows,
          now,
        );
        if (decision === "deferred") {
          open = true;
        } else if (decision === "send") {
          if (!channels.has(rule.channel_id)) channels.set(rule.channel_id, payloadOf(ev, rule.name, 0));
          memos.set(rule, ev, ev.new_state, now);
        } else if (known) {
          counts.count(decision);
          memos.set(rule, ev, known, null);
        }
      }
      for (const [channelId, payload] of channels) {
        if (room-- > 0) outbox.push({ channelId, payload });
        else counts.count("dropped");
      }
      if (open) counts.count("deferred");
      else done.push(ev.id);
    }
    await memos.save(tx);
    for (let i = 0; i < outbox.length; i += 500) {
      counts.count("enqueued", await enqueueMany(tx, outbox.slice(i, i + 500), now));
    }
    for (let i = 0; i < done.length; i += 1000) {
      await tx.updateTable("status_event").set({ notified: true }).where("id", "in", done.slice(i, i + 1000))
        .execute();
    }
    counts.count("events", done.length);
  });
  stats.add(counts);
  return counts.snapshot().events;
}
