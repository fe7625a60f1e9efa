import { sql } from "kysely";
import { ensureDayPartitions, ensureMonthPartitions } from "../shared/db/mod.ts";
import { logSink } from "../shared/log.ts";
import { NotFoundError } from "../shared/errors.ts";
import type { StatusNode } from "../shared/wire/api.ts";
import { storeTest } from "./helpers/store.ts";
import { assert, assertEquals, assertRejects } from "./helpers/assert.ts";
import { createWorker } from "../worker/worker.ts";
import { insertAgents } from "./worker_fixture.ts";

logSink.level = "error";

storeTest("status tree: groups, ungrouped services, states and counts", async (store) => {
  const db = store.db;
  await insertAgents(store);
  await db.insertInto("setting").values({ key: "settings", value: JSON.stringify({ name: "Acme" }) })
    .execute();
  await db.insertInto("service_group").values([
    { id: 1, name: "shop 1", parent_id: null },
    { id: 2, name: "web", parent_id: 1 },
    { id: 3, name: "db", parent_id: 1 },
    { id: 4, name: "empty", parent_id: null },
  ] as never).execute();
  await db.insertInto("service").values([
    { id: 1, name: "web-1", agent_id: 1, group_id: 2 },
    { id: 2, name: "web-2", agent_id: 1, group_id: 2 },
    { id: 3, name: "db-1", agent_id: 2, group_id: 3 },
    { id: 4, name: "lonely", agent_id: 2, group_id: null },
  ] as never).execute();
  const since = "2026-11-26T08:00:00.000Z";
  await db.insertInto("object_status").values([
    { object_id: "s:1", state: "OK", since, cause: "" },
    { object_id: "s:2", state: "WARNING", since, cause: "cpu 85%" },
    { object_id: "s:3", state: "CRITICAL", since, cause: "db down" },
    { object_id: "g:1", state: "CRITICAL", since, cause: "db down" },
    { object_id: "g:2", state: "WARNING", since },
  ]).execute();
  const worker = createWorker({ store, dataDir: "/nonexistent", livePollMs: 0, sessionSweepMs: 0 });
  const tree = await worker.statusTree();
  const r = tree.root;
  assertEquals([r.id, r.name, r.state], ["g:0", "Acme", "CRITICAL"]);
  assertEquals(r.counts, { OK: 1, WARNING: 1, CRITICAL: 1, UNKNOWN: 1 });
  assertEquals(
    r.children!.map((c) => c.id),
    ["g:4", "g:1", "s:4"],
    "groups by name, then ungrouped services",
  );
  const byId = (n: StatusNode, id: string): StatusNode | undefined =>
    n.id === id ? n : n.children?.map((c) => byId(c, id)).find((x) => x !== undefined);
  const shop = byId(r, "g:1")!;
  assertEquals([shop.state, shop.cause, shop.since], ["CRITICAL", "db down", since]);
  assertEquals(shop.counts, { OK: 1, WARNING: 1, CRITICAL: 1, UNKNOWN: 0 });
  assertEquals(shop.children!.map((c) => c.name).sort(), ["db", "web"]);
  assertEquals(byId(r, "g:2")!.children!.map((c) => [c.name, c.state]), [["web-1", "OK"], [
    "web-2",
    "WARNING",
  ]]);
  assertEquals([byId(r, "s:4")!.state, byId(r, "g:4")!.state], ["UNKNOWN", "UNKNOWN"]);
  assertEquals(byId(r, "g:4")!.counts, { OK: 0, WARNING: 0, CRITICAL: 0, UNKNOWN: 0 });
  await worker.stop();
});

storeTest("service detail, status events, agents and counter series by range", async (store) => {
  const db = store.db;
  await insertAgents(store);
  await db.updateTable("agent").set({
    state: "ok",
    acked_seq: 90,
    agent_last_seq: 100,
    oldest_age_s: 4,
    version: "1.0",
  })
    .where("id", "=", 1).execute();
  await db.insertInto("service").values({ id: 5, name: "web-1", agent_id: 1, group_id: null } as never)
    .execute();
  await db.insertInto("service_check").values([
    {
      id: 8,
      service_id: 5,
      name: "cpu",
      type: "counter",
      interval_ms: 10000,
      timeout_ms: 5000,
      params: JSON.stringify({ counterKey: "cpu.busy_pct", warn: "80", crit: "95" }),
    },
    {
      id: 9,
      service_id: 5,
      name: "home",
      type: "http",
      interval_ms: 30000,
      timeout_ms: 5000,
      params: JSON.stringify({ url: "http://x/" }),
    },
  ] as never).execute();
  await db.insertInto("check_state").values({
    agent_id: 1,
    check_id: "c8",
    ts: new Date(),
    state: "WARNING",
    message: "cpu 85",
    duration_ms: 1,
    perfdata: null,
  }).execute();
  const now = Date.now();
  await db.insertInto("status_event").values([1, 2, 3].map((i) => ({
    ts: new Date(now - i * 60_000),
    object_id: "s:5",
    object_name: "web-1",
    old_state: "OK",
    new_state: "WARNING",
    cause: `e${i}`,
  }))).execute();
  const worker = createWorker({ store, dataDir: "/nonexistent", livePollMs: 0, sessionSweepMs: 0 });
  const svc = await worker.service(5);
  assertEquals([svc.agentName, svc.state, svc.checks.length], ["host-a", "UNKNOWN", 2]);
  assertEquals([svc.checks[0]!.state, svc.checks[0]!.counterKey, svc.checks[0]!.warn, svc.checks[0]!.crit], [
    "WARNING",
    "cpu.busy_pct",
    "80",
    "95",
  ]);
  assertEquals([svc.checks[1]!.state, svc.checks[1]!.lastRunAt], ["UNKNOWN", undefined]);
  assertEquals(svc.events.map((e) => e.cause), ["e1", "e2", "e3"]);
  const e = await assertRejects(() => worker.service(99));
  assert(e instanceof NotFoundError);
  assertEquals(
    (await worker.statusEvents({ objectId: "s:5", from: now - 150_000, limit: 10 })).map((x) => x.cause),
    ["e1", "e2"],
  );
  await assertRejects(() => worker.statusEvents({ objectId: "bad" }), "objectId");
  const agents = await worker.agents();
  assertEquals(agents.map((a) => [a.name, a.state, a.lagRecords, a.lagSeconds]), [["host-a", "ok", 10, 4], [
    "host-b",
    "new",
    0,
    0,
  ]]);

  // counters: raw blocks for the last 2 h, 1m rollups for 10 days, 1h rollups for 60 days
  await ensureDayPartitions(db, "counter_block", now - 86_400_000, 3);
  await ensureDayPartitions(db, "counter_rollup_1m", now - 11 * 86_400_000, 13);
  await ensureMonthPartitions(db, "counter_rollup_1h", now - 62 * 86_400_000, 4);
  await db.insertInto("counter").values({ agent_id: 1, id: 1, key: "cpu.busy_pct", unit: "%" } as never)
    .execute();
  const t0 = Math.floor(now / 60_000) * 60_000 - 2 * 3_600_000;
  const ts = Array.from({ length: 720 }, (_, i) => t0 + i * 10_000);
  for (let b = 0; b < 720; b += 60) {
    await db.insertInto("counter_block").values({
      agent_id: 1,
      counter_id: 1,
      block_start: new Date(ts[b]!),
      block_end: new Date(ts[b + 59]!),
      ts_ms: ts.slice(b, b + 60),
      vals: ts.slice(b, b + 60).map((_, i) => b + i),
    }).execute();
  }
  await sql`insert into counter_rollup_1m select 1, 1, to_timestamp((${t0}::int8 - g::int8 * 60000) / 1000.0), 6, 60, 9, 11, 10, now()
    from generate_series(0, 14000) g`.execute(db);
  await sql`insert into counter_rollup_1h select 1, 1, to_timestamp((${t0}::int8 - g::int8 * 3600000) / 1000.0), 60, 120, 1, 3, 2, now()
    from generate_series(0, 1400) g`.execute(db);
  const raw = await worker.counterSeries({ agentId: 1, key: "cpu.busy_pct", from: t0, to: t0 + 3_600_000 });
  assertEquals([raw.resolution, raw.unit, raw.points.length, raw.points[0], raw.points[359]], [
    "raw",
    "%",
    360,
    [t0, 0],
    [t0 + 3_590_000, 359],
  ]);
  const oneMin = await worker.counterSeries({
    agentId: 1,
    key: "cpu.busy_pct",
    from: t0 - 86_400_000,
    to: t0,
  });
  assertEquals([oneMin.resolution, oneMin.points.length, oneMin.points[0]![1]], ["1m", 1440, 10]);
  const long = await worker.counterSeries({
    agentId: 1,
    key: "cpu.busy_pct",
    from: t0 - 9 * 86_400_000,
    to: t0,
  });
  assertEquals([long.resolution, long.points.length <= 1500, long.points[0]![1]], ["1m", true, 10]);
  const hours = await worker.counterSeries({
    agentId: 1,
    key: "cpu.busy_pct",
    from: t0 - 30 * 86_400_000,
    to: t0,
  });
  assertEquals([hours.resolution, hours.points.length, hours.points[0]![1]], ["1h", 720, 2]);
  await assertRejects(() => worker.counterSeries({ agentId: 1, key: "nope", from: t0, to: t0 + 1 }), "nope");
  await assertRejects(() => worker.counterSeries({ agentId: 1, key: "x", from: 5, to: 1 }), "to:");
  assertEquals(await worker.counterKeys(1), [{ key: "cpu.busy_pct", unit: "%" }]);
  await worker.stop();
});
