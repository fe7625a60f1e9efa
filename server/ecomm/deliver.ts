/**
 * Delivery from the outbox: due rows are claimed (a lease on `next_attempt_at`, `skip locked` so two
 * instances never send the same row at once), sent through their channel a few at a time, and
 * marked `sent`, rescheduled with exponential backoff, or given up as `failed` with `last_error`.
 * Delivery is at-least-once: a crash between sending and marking sends again after the lease, and
 * every channel carries the outbox id as idempotency key.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "@sonde/shared/db";
import { errorMessage } from "@sonde/shared/errors";
import type { Logger } from "@sonde/shared/log";
import { CHANNELS, type Message, type NotificationPayload } from "./channels/mod.ts";
import { subjectOf, textOf } from "./rules.ts";
import type { EcommStats } from "./stats.ts";

/** Delivery limits and the retry schedule. */
export interface DeliveryOptions {
  /** Rows claimed per tick. */
  maxBatch: number;
  /** Deliveries in flight at once. */
  concurrency: number;
  /** Attempts before a row is given up. */
  maxAttempts: number;
  /** Delay after the first failed attempt; doubles per attempt (±20% jitter). */
  backoffMs: number;
  /** Longest delay between attempts. */
  maxBackoffMs: number;
  /** How long a claimed row stays hidden from other ticks and instances. */
  claimMs: number;
}

/** Delay before attempt `attempts + 1` after `attempts` failures. */
export function backoffDelay(
  attempts: number,
  o: Pick<DeliveryOptions, "backoffMs" | "maxBackoffMs">,
): number {
  const base = Math.min(o.maxBackoffMs, o.backoffMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * Math.random()));
}

interface Claimed {
  id: number;
  channel_id: number;
  payload: unknown;
  attempts: number;
}

async function claim(db: Kysely<Database>, o: DeliveryOptions, now: Date): Promise<Claimed[]> {
  return await db.updateTable("notification_outbox")
    .set({ next_attempt_at: new Date(now.getTime() + o.claimMs) })
    .where(
      "id",
      "in",
      (qb) =>
        qb.selectFrom("notification_outbox").select("id").where("state", "=", "pending")
          .where("next_attempt_at", "<=", now).orderBy("next_attempt_at").orderBy("id").limit(o.maxBatch)
          .forUpdate().skipLocked(),
    )
    .returning(["id", "channel_id", "payload", "attempts"]).execute();
}

interface ChannelRow {
  name: string;
  type: string;
  settings: unknown;
  enabled: boolean;
}

/** The channels of the claimed rows, read once per tick. */
async function loadChannels(db: Kysely<Database>, rows: Claimed[]): Promise<Map<number, ChannelRow>> {
  const ids = [...new Set(rows.map((r) => r.channel_id))];
  if (ids.length === 0) return new Map();
  const found = await db.selectFrom("notification_channel").select([
    "id",
    "name",
    "type",
    "settings",
    "enabled",
  ])
    .where("id", "in", ids).execute();
  return new Map(found.map((c) => [c.id, c]));
}

async function attempt(ch: ChannelRow | undefined, row: Claimed, signal: AbortSignal): Promise<void> {
  if (!ch) throw new PermanentFailure(`channel ${row.channel_id} no longer exists`);
  if (!ch.enabled) throw new PermanentFailure(`channel "${ch.name}" is disabled`);
  const channel = CHANNELS.get(ch.type);
  if (!channel) throw new PermanentFailure(`channel "${ch.name}" has unknown type "${ch.type}"`);
  const payload = row.payload as NotificationPayload;
  const message: Message = { id: row.id, subject: subjectOf(payload), text: textOf(payload), payload };
  await channel.send(message, ch.settings, signal);
}

class PermanentFailure extends Error {}

function isRetryable(e: unknown): boolean {
  if (e instanceof PermanentFailure) return false;
  if (e && typeof e === "object" && "retryable" in e) return e.retryable === true;
  return true;
}

/** Claims and delivers due outbox rows; returns how many were attempted. */
export async function deliverDue(
  db: Kysely<Database>,
  o: DeliveryOptions,
  stats: EcommStats,
  log: Logger,
  signal: AbortSignal,
): Promise<number> {
  const rows = await claim(db, o, new Date());
  const channels = await loadChannels(db, rows);
  let next = 0;
  const released: number[] = [];
  const work = async () => {
    while (next < rows.length) {
      if (signal.aborted) {
        released.push(rows[next++]!.id);
        continue;
      }
      const row = rows[next++]!;
      const attempts = row.attempts + 1;
      try {
        await attempt(channels.get(row.channel_id), row, signal);
        await db.updateTable("notification_outbox")
          .set({ state: "sent", attempts, sent_at: new Date(), last_error: null }).where("id", "=", row.id)
          .execute();
        stats.count("sent");
      } catch (e) {
        if (signal.aborted) {
          released.push(row.id); // stopping: the row goes back to the outbox unchanged
          continue;
        }
        const why = errorMessage(e);
        if (isRetryable(e) && attempts < o.maxAttempts) {
          const at = new Date(Date.now() + backoffDelay(attempts, o));
          await db.updateTable("notification_outbox").set({ attempts, next_attempt_at: at, last_error: why })
            .where("id", "=", row.id).execute();
          stats.count("retried");
        } else {
          const last = `gave up after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${why}`;
          await db.updateTable("notification_outbox").set({ state: "failed", attempts, last_error: last })
            .where("id", "=", row.id).execute();
          stats.count("failed");
          log.warn("notification failed", { outboxId: row.id, channelId: row.channel_id, error: last });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, rows.length) }, work));
  if (released.length > 0) {
    await db.updateTable("notification_outbox").set({ next_attempt_at: new Date() })
      .where("id", "in", released).where("state", "=", "pending").execute();
  }
  return rows.length;
}
