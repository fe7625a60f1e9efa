import { assert, assertEquals, assertMatch } from "./helpers/assert.ts";
import { storeTest } from "./helpers/store.ts";
import { waitFor } from "./helpers/procs.ts";
import { signBody } from "../server/ecomm/channels/webhook.ts";
import { addChannel, addEvent, addRule, fastEcomm, outbox, sleep, startReceiver } from "./ecomm_fixture.ts";

storeTest("ecomm: a status change reaches a webhook once, signed, with an idempotency key", async (store) => {
  const hook = startReceiver();
  const ch = await addChannel(store, "webhook", { url: hook.url, secret: "s3cret" });
  await addRule(store, ch, { namePattern: "web-*" });
  await addRule(store, ch, { objectIds: ["s:1"], transitions: ["CRITICAL"] }); // same channel: still one message
  await addEvent(store, "s:1", "web-01", "OK", "CRITICAL");
  await addEvent(store, "s:2", "db-01", "OK", "CRITICAL"); // matches no rule
  const ecomm = fastEcomm(store);
  try {
    await waitFor(() => hook.received.length >= 1, 10_000, "webhook delivery");
    await sleep(300); // several more ticks
    assertEquals(hook.received.length, 1);
    const got = hook.received[0]!;
    const body = JSON.parse(got.body);
    assertEquals([body.objectName, body.oldState, body.newState], ["web-01", "OK", "CRITICAL"]);
    assertEquals(body.subject, "CRITICAL: web-01 (was OK)");
    assertEquals(got.headers.get("x-sonde-signature"), `sha256=${await signBody("s3cret", got.body)}`);
    const rows = await outbox(store);
    assertEquals(rows.map((r) => [r.state, r.attempts]), [["sent", 1]]);
    assertEquals(got.headers.get("idempotency-key"), String(rows[0]!.id));
    const open = await store.db.selectFrom("status_event").select("id").where("notified", "=", false)
      .execute();
    assertEquals(open.length, 0);
    assertEquals(ecomm.stats().sent, 1);
  } finally {
    await ecomm.stop();
    await hook.close();
  }
});

storeTest("ecomm: a failing webhook is retried with growing backoff, then delivered", async (store) => {
  const hook = startReceiver((n) => (n < 3 ? 503 : 200));
  const ch = await addChannel(store, "webhook", { url: hook.url });
  await addRule(store, ch);
  await addEvent(store, "s:7", "api", "OK", "WARNING");
  const ecomm = fastEcomm(store, { backoffMs: 120, maxAttempts: 6 });
  try {
    await waitFor(async () => (await outbox(store))[0]?.state === "sent", 15_000, "delivery after retries");
    assertEquals(hook.received.length, 4);
    const keys = new Set(hook.received.map((r) => r.headers.get("idempotency-key")));
    assertEquals(keys.size, 1, "every attempt carries the same idempotency key");
    const gaps = hook.received.slice(1).map((r, i) => r.at - hook.received[i]!.at);
    assert(gaps[0]! >= 90, `first retry waited ${gaps[0]} ms, expected about 120`);
    assert(gaps[2]! > gaps[0]! * 1.8, `backoff did not grow: ${gaps.join(", ")} ms`);
    const [row] = await outbox(store);
    assertEquals([row!.attempts, row!.last_error], [4, null]);
    assertEquals(ecomm.stats().retried, 3);
  } finally {
    await ecomm.stop();
    await hook.close();
  }
}, ["postgres"]);

storeTest("ecomm: a permanently failing webhook ends failed with a visible error", async (store) => {
  const down = startReceiver(() => 500);
  const gone = startReceiver(() => 404);
  const a = await addChannel(store, "webhook", { url: down.url }, "down");
  const b = await addChannel(store, "webhook", { url: gone.url }, "gone");
  await addRule(store, a);
  await addRule(store, b);
  await addEvent(store, "g:3", "shop", "OK", "CRITICAL");
  const ecomm = fastEcomm(store, { backoffMs: 40, maxAttempts: 3 });
  try {
    await waitFor(
      async () => {
        const rows = await outbox(store);
        return rows.length === 2 && rows.every((r) => r.state === "failed");
      },
      15_000,
      "both failed",
    );
    const rows = await outbox(store);
    assertEquals(rows.map((r) => r.attempts), [3, 1], "5xx is retried, 404 is not");
    assertMatch(rows[0]!.last_error ?? "", /gave up after 3 attempts: .*HTTP 500/);
    assertMatch(rows[1]!.last_error ?? "", /gave up after 1 attempt: .*HTTP 404/);
    assertEquals([down.received.length, gone.received.length], [3, 1]);
    assertEquals(ecomm.stats().failed, 2);
  } finally {
    await ecomm.stop();
    await down.close();
    await gone.close();
  }
}, ["postgres"]);

storeTest("ecomm: a maintenance window silences its objects, others still notify", async (store) => {
  const hook = startReceiver();
  const ch = await addChannel(store, "webhook", { url: hook.url });
  await addRule(store, ch);
  const now = Date.now();
  await store.db.insertInto("maintenance_window").values({
    name: "db patching",
    rule_id: null,
    object_ids: null,
    name_pattern: "db-*",
    starts_at: new Date(now - 60_000),
    ends_at: new Date(now + 60_000),
  }).execute();
  await addEvent(store, "s:1", "db-01", "OK", "CRITICAL");
  await addEvent(store, "s:2", "web-01", "OK", "CRITICAL");
  const ecomm = fastEcomm(store);
  try {
    await waitFor(() => hook.received.length >= 1, 10_000, "web-01 delivery");
    await sleep(300);
    assertEquals(hook.received.map((r) => JSON.parse(r.body).objectName), ["web-01"]);
    assertEquals(ecomm.stats().silenced, 1);
  } finally {
    await ecomm.stop();
    await hook.close();
  }
}, ["postgres"]);

storeTest("ecomm: a delay suppresses a flap but lets a lasting change through", async (store) => {
  const hook = startReceiver();
  const ch = await addChannel(store, "webhook", { url: hook.url });
  await addRule(store, ch, { delayMs: 400 });
  const ecomm = fastEcomm(store);
  try {
    const t0 = Date.now();
    await addEvent(store, "s:1", "web-01", "OK", "CRITICAL", new Date(t0));
    await addEvent(store, "s:1", "web-01", "CRITICAL", "OK", new Date(t0 + 100));
    await addEvent(store, "s:2", "web-02", "OK", "WARNING", new Date(t0));
    await waitFor(() => hook.received.length >= 1, 10_000, "web-02 delivery");
    assert(hook.received[0]!.at - t0 >= 380, `delivered ${hook.received[0]!.at - t0} ms after the change`);
    await sleep(600);
    assertEquals(hook.received.map((r) => JSON.parse(r.body).objectName), ["web-02"]);
    const s = ecomm.stats();
    assertEquals([s.flap, s.unchanged], [1, 1], "the flap and its return to the known state send nothing");
  } finally {
    await ecomm.stop();
    await hook.close();
  }
});

storeTest("ecomm: a persisting problem is repeated, a recovery stops the reminders", async (store) => {
  const hook = startReceiver();
  const ch = await addChannel(store, "webhook", { url: hook.url });
  await addRule(store, ch, { repeatMs: 250 });
  const ecomm = fastEcomm(store);
  try {
    await addEvent(store, "s:1", "web-01", "OK", "CRITICAL");
    await waitFor(() => hook.received.length >= 3, 10_000, "two reminders");
    await addEvent(store, "s:1", "web-01", "CRITICAL", "OK");
    await waitFor(() => hook.received.some((r) => JSON.parse(r.body).newState === "OK"), 10_000, "recovery");
    const count = hook.received.length;
    await sleep(600);
    assertEquals(hook.received.length, count, "no reminder after the recovery");
    const bodies = hook.received.map((r) => JSON.parse(r.body));
    assertEquals(bodies.slice(0, 3).map((b) => b.repeat), [0, 1, 2]);
  } finally {
    await ecomm.stop();
    await hook.close();
  }
});

storeTest("ecomm: two instances on one database enqueue and send each change once", async (store) => {
  const hook = startReceiver();
  const ch = await addChannel(store, "webhook", { url: hook.url });
  await addRule(store, ch);
  for (let i = 0; i < 40; i++) await addEvent(store, `s:${i}`, `svc-${i}`, "OK", "CRITICAL");
  const a = fastEcomm(store, { pollMs: 5 });
  const b = fastEcomm(store, { pollMs: 5 });
  try {
    await waitFor(() => hook.received.length >= 40, 15_000, "40 deliveries");
    await sleep(300);
    const keys = hook.received.map((r) => r.headers.get("idempotency-key"));
    assertEquals([keys.length, new Set(keys).size], [40, 40]);
    assertEquals((await outbox(store)).length, 40);
    assertEquals(a.stats().sent + b.stats().sent, 40);
  } finally {
    await a.stop();
    await b.stop();
    await hook.close();
  }
}, ["postgres"]);
