import { assertEquals } from "../../tests/helpers/assert.ts";
import { storeTest } from "../../tests/helpers/store.ts";
import { pruneOutbox } from "./prune.ts";

storeTest("outbox retention removes old settled rows only, a bounded number at a time", async (store) => {
  const day = 86_400_000;
  const now = Date.now();
  const row = (i: number, state: string, ageDays: number) => ({
    event_id: i,
    channel_id: 1,
    dedupe_key: `${i}:1:0`,
    payload: "{}",
    next_attempt_at: new Date(now),
    state,
    created_at: new Date(now - ageDays * day),
  });
  await store.db.insertInto("notification_outbox").values([
    row(1, "sent", 40),
    row(2, "failed", 40),
    row(3, "pending", 40),
    row(4, "sent", 1),
    row(5, "sent", 35),
  ]).execute();
  assertEquals(await pruneOutbox(store.db, 30 * day, 2, now), 2);
  assertEquals(await pruneOutbox(store.db, 30 * day, 2, now), 1);
  const left = await store.db.selectFrom("notification_outbox").select("event_id").orderBy("event_id")
    .execute();
  assertEquals(left.map((r) => r.event_id), [3, 4]);
}, ["postgres"]);
