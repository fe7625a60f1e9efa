/**
 * Ecomm test fixtures: a real HTTP receiver (Deno.serve) that records every request and answers
 * from a script, and helpers that write channels, rules and status events as the Server does.
 * @module
 */
import type { Store } from "../shared/db/mod.ts";
import { type Ecomm, type EcommOptions, startEcomm } from "../server/ecomm/ecomm.ts";

/** One request the receiver got. */
export interface Received {
  at: number;
  headers: Headers;
  body: string;
}

/** A webhook receiver on 127.0.0.1. */
export interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/** Starts a receiver; `status(n)` gives the HTTP status of the n-th request (0-based). */
export function startReceiver(status: (n: number) => number = () => 200, port = 0): Receiver {
  const received: Received[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, async (req) => {
    const n = received.length;
    received.push({ at: Date.now(), headers: req.headers, body: await req.text() });
    return new Response(null, { status: status(n) });
  });
  return { url: `http://127.0.0.1:${server.addr.port}/hook`, received, close: () => server.shutdown() };
}

/** Inserts a channel and returns its id. */
export async function addChannel(
  store: Store,
  type: string,
  settings: unknown,
  name = `${type}-1`,
): Promise<number> {
  const r = await store.db.insertInto("notification_channel")
    .values({ name, type, settings: JSON.stringify(settings) }).returning("id").executeTakeFirstOrThrow();
  return r.id;
}

/** Inserts a rule and returns its id. */
export async function addRule(
  store: Store,
  channelId: number,
  rule: {
    objectIds?: string[];
    namePattern?: string;
    transitions?: string[];
    delayMs?: number;
    repeatMs?: number;
  } = {},
): Promise<number> {
  const r = await store.db.insertInto("notification_rule").values({
    name: "ops",
    channel_id: channelId,
    object_ids: rule.objectIds ? JSON.stringify(rule.objectIds) : null,
    name_pattern: rule.namePattern ?? null,
    transitions: JSON.stringify(rule.transitions ?? ["any"]),
    delay_ms: rule.delayMs ?? 0,
    repeat_ms: rule.repeatMs ?? 0,
  }).returning("id").executeTakeFirstOrThrow();
  return r.id;
}

/** Records a status change exactly as the Server's evaluator does. */
export async function addEvent(
  store: Store,
  objectId: string,
  name: string,
  oldState: string,
  newState: string,
  ts = new Date(),
): Promise<void> {
  await store.db.insertInto("object_status").values({
    object_id: objectId,
    state: newState,
    since: ts,
    cause: "test",
  })
    .onConflict((oc) => oc.column("object_id").doUpdateSet({ state: newState, since: ts })).execute();
  await store.db.insertInto("status_event").values({
    ts,
    object_id: objectId,
    object_name: name,
    old_state: oldState,
    new_state: newState,
    cause: `check says ${newState}`,
  }).execute();
}

/** Starts Ecomm with fast test timings. */
export function fastEcomm(store: Store, options: Partial<EcommOptions> = {}): Ecomm {
  return startEcomm({ store, pollMs: 30, backoffMs: 150, maxAttempts: 4, ...options });
}

/** Outbox rows, oldest first. */
export async function outbox(store: Store) {
  return await store.db.selectFrom("notification_outbox").selectAll().orderBy("id").execute();
}

/** Sleeps `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
