import { sql } from "kysely";
import type { Store } from "@sonde/shared/db";
import { logSink } from "@sonde/shared/log";
import type { AppRegistration, TelemetryEvent } from "@sonde/shared/wire/telemetry";
import { storeTest } from "../../tests/helpers/store.ts";
import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { type AssemblerOptions, createAssembler } from "./assembler.ts";
import { createLogPool } from "./log_pools.ts";
import { readRequest } from "../../shared/telemetry/segment_reader.ts";
import { compactEventBatch, RecordKind } from "@sonde/shared/wire/types";
import { Ingestor } from "../store/ingest.ts";
import type { StagedEvents } from "./pending.ts";

logSink.level = "error";
const T0 = Date.UTC(2026, 10, 26, 10, 0, 0) * 1000; // µs
const web: AppRegistration = { appName: "shop", appId: "1", appTierName: "web", appTierId: "web-1" };
const db: AppRegistration = { appName: "shop", appId: "1", appTierName: "db", appTierId: "db-1" };
let idSeq = 1;
const rid = () => (idSeq++).toString(16).padStart(32, "a");

function ev(
  requestId: string,
  app: AppRegistration,
  dtUs: number,
  flags: number,
  spanId: string,
  parent?: string,
  extra: Partial<TelemetryEvent> = {},
): TelemetryEvent {
  const e: TelemetryEvent = {
    tsUs: T0 + dtUs,
    app,
    pid: 1,
    tid: 0,
    module: "m",
    text: `${app.appTierName}-${spanId}`,
    flags,
    level: 0,
    requestId,
    spanId,
    ...extra,
  };
  if (parent) e.parentSpanId = parent;
  return e;
}

/** A request whose web root spans 0..50 ms on agent 1 and whose db section 10..20 ms is on agent 2. */
function twoAgentRequest(id: string) {
  const root = "1000000000000001";
  const child = "2000000000000002";
  return {
    web: [
      ev(id, web, 0, 1, root, undefined, {
        params: [{ name: "user", type: "string", value: "alice" }, {
          name: "status",
          type: "int32",
          value: 200,
        }],
      }),
      ev(id, web, 50_000, 2, root),
    ],
    db: [ev(id, db, 10_000, 1, child, root), ev(id, db, 20_000, 2 | 8, child, root)],
  };
}

async function setup(store: Store, extra: Partial<AssemblerOptions> = {}) {
  const dataDir = await Deno.makeTempDir({ prefix: "sonde-tel-" });
  let now = 1_000_000;
  const clock = () => now;
  const assembler = await createAssembler({
    store,
    dataDir,
    clock,
    graceMs: 5000,
    timeoutMs: 60_000,
    ...extra,
  });
  return { dataDir, assembler, advance: (ms: number) => (now += ms), now: () => now };
}

/** An agent row, an assembler on a fresh folder and a manual clock, and an Ingestor storing pulled pages into it. */
async function pulledInto(store: Store, agentName: string) {
  const { id: agentId } = await store.db.insertInto("agent").values({
    name: agentName,
    address: "127.0.0.1:1",
  })
    .returning("id").executeTakeFirstOrThrow();
  const dataDir = await Deno.makeTempDir({ prefix: "sonde-tel-" });
  let now = 1_000_000;
  const opts = { store, dataDir, clock: () => now, graceMs: 5000 };
  const first = await createAssembler(opts);
  const ing = new Ingestor(store.db, {
    persistInTx: (tx, agent, events, raw) => first.persistInTx(tx, agent, events, raw),
    afterCommit: (staged) => first.ingestStaged(staged as StagedEvents),
  });
  return { agentId, dataDir, opts, first, ing, advance: (ms: number) => (now += ms) };
}

storeTest("assembler joins one request from two agents into one row and one record", async (store) => {
  const { dataDir, assembler, advance } = await setup(store);
  const id = rid();
  const r = twoAgentRequest(id);
  const regs: string[] = [];
  await store.db.transaction().execute(async (tx) => {
    assembler.ingestStaged(await assembler.persistInTx(tx, 1, r.web));
  });
  advance(3000); // db agent pulled later, within the grace window
  assembler.ingestStaged(await assembler.persistInTx(store.db, 2, r.db));
  assertEquals(await assembler.flush(), [], "not due before the grace window passed");
  advance(2000);
  const done = await assembler.flush();
  assertEquals(done.length, 1);
  const f = done[0]!;
  assertEquals([f.requestId, f.durationUs, f.status, f.agents, f.eventCount, f.name], [
    id,
    50_000,
    "warning",
    [1, 2],
    4,
    "web-1000000000000001",
  ]);
  const rows = await store.db.selectFrom("request").selectAll().execute();
  assertEquals(rows.length, 1);
  const row = rows[0]!;
  assertEquals([row.log_pool_id, row.request_id, row.duration_us, row.status, row.event_count], [
    1,
    id,
    50_000,
    "warning",
    4,
  ]);
  assertEquals(row.start_ts.getTime(), T0 / 1000);
  assertEquals(row.agents, [1, 2]);
  assertEquals(row.applications, ["shop 1"]);
  assertEquals(row.columns, { user: "alice", status: 200 });
  const stored = await readRequest(dataDir, row.file, row.file_offset, row.file_length);
  assertEquals(stored.events.length, 4);
  assertEquals(stored.events.map((e) => [e.agentId, e.app.appTierName, e.tsUs - T0]), [
    [1, "web", 0],
    [2, "db", 10_000],
    [2, "db", 20_000],
    [1, "web", 50_000],
  ]);
  assertEquals(stored.events[1]!.parentSpanId, stored.events[0]!.spanId);
  assertEquals(stored.events[0]!.params, r.web[0]!.params);
  assertEquals(
    (await store.db.selectFrom("telemetry_pending").select("id").execute()).length,
    0,
    "pending rows deleted",
  );
  // late event for the finished request: counted, no second row
  assertEquals(assembler.registrationsSeen().map((a) => a.appTierName).sort(), ["db", "web"]);
  assembler.ingest(2, [ev(id, db, 60_000, 0, "3000000000000003", "1000000000000001")]);
  advance(120_000);
  assertEquals((await assembler.flush()).length, 0);
  assertEquals(assembler.stats().lateEvents, 1);
  assertEquals(regs.length, 0);
  await assembler.stop();
  await Deno.remove(dataDir, { recursive: true });
});

storeTest("assembler marks a request without root LEAVE incomplete after the timeout", async (store) => {
  const { dataDir, assembler, advance } = await setup(store);
  const id = rid();
  assembler.ingest(1, [twoAgentRequest(id).web[0]!, ...twoAgentRequest(id).db]);
  advance(59_999);
  assertEquals((await assembler.flush()).length, 0);
  advance(1);
  const [f] = await assembler.flush();
  assertEquals([f!.status, f!.durationUs], ["incomplete", 20_000]);
  assertEquals(assembler.stats().incomplete, 1);
  await assembler.stop();
  await Deno.remove(dataDir, { recursive: true });
});

storeTest("assembler bounds open requests and events, counting what it drops", async (store) => {
  const { dataDir, assembler, advance } = await setup(store, { maxOpenRequests: 2, maxOpenEvents: 5 });
  const ids = [rid(), rid(), rid()];
  for (const id of ids) {
    assembler.ingestStaged(await assembler.persistInTx(store.db, 1, twoAgentRequest(id).web));
  }
  let s = assembler.stats();
  assertEquals([s.openRequests, s.openEvents, s.droppedEvents, s.droppedGroups], [2, 4, 2, 1]);
  assembler.ingest(2, twoAgentRequest(ids[0]!).db); // 4 + 2 > 5 events
  s = assembler.stats();
  assertEquals([s.openEvents, s.droppedEvents], [4, 4]);
  advance(5000);
  assertEquals((await assembler.flush()).length, 2);
  assertEquals(
    (await store.db.selectFrom("telemetry_pending").select("id").execute()).length,
    0,
    "dropped groups' pending rows are deleted too",
  );
  await assembler.stop();
  await Deno.remove(dataDir, { recursive: true });
});

storeTest(
  "assembler rebuilds open requests from pending rows after a restart, without duplicates",
  async (store) => {
    const dataDir = await Deno.makeTempDir({ prefix: "sonde-tel-" });
    let now = 1_000_000;
    const opts = { store, dataDir, clock: () => now, graceMs: 5000 };
    const first = await createAssembler(opts);
    const a = rid();
    const b = rid();
    await store.db.transaction().execute(async (tx) => {
      first.ingestStaged(
        await first.persistInTx(tx, 1, [...twoAgentRequest(a).web, ...twoAgentRequest(b).web]),
      );
    });
    now += 5000;
    assertEquals((await first.flush()).map((r) => r.requestId), [a, b].filter(() => true).slice(0, 2));
    // b's db part arrives after b was written (late); a third request is open when the process dies
    const c = rid();
    await store.db.transaction().execute(async (tx) => {
      first.ingestStaged(
        await first.persistInTx(tx, 2, [...twoAgentRequest(c).web, ...twoAgentRequest(c).db]),
      );
    });
    // "kill -9": no stop(), no flush; a new assembler on the same store and folder
    const second = await createAssembler(opts);
    assertEquals(second.stats().recoveredEvents, 4);
    now += 5000;
    const done = await second.flush();
    assertEquals(
      done.map((r) => [r.requestId, r.status, r.eventCount]),
      [[c, "ok", 4]].map(([i, s, n]) => [i, s === "ok" ? "warning" : s, n]),
    );
    const third = await createAssembler(opts);
    assertEquals(third.stats().recoveredEvents, 0);
    const rows = await store.db.selectFrom("request").select(["request_id"]).execute();
    assertEquals(rows.map((r) => r.request_id).sort(), [a, b, c].sort());
    await first.stop();
    await second.stop();
    await third.stop();
    await Deno.remove(dataDir, { recursive: true });
  },
);

storeTest("log pools route requests by application name and take typed columns", async (store) => {
  const pool = await createLogPool(store.db, {
    name: "shop",
    appPatterns: ["sh?p*"],
    level: 60,
    columns: [{ name: "http_status", parameter: "status", type: "int" }, {
      name: "who",
      parameter: "user",
      type: "string",
    }],
    retentionDays: 7,
  });
  const { dataDir, assembler, advance } = await setup(store);
  await assembler.reloadLogPools();
  assertEquals(assembler.levelFor("shop"), 60, "the shop pool wants DETAIL");
  assertEquals(assembler.levelFor("other"), 50, "the default pool wants NORMAL");
  const id = rid();
  const other = { ...web, appName: "other" };
  assembler.ingest(1, twoAgentRequest(id).web);
  const id2 = rid();
  assembler.ingest(1, twoAgentRequest(id2).web.map((e) => ({ ...e, app: other })));
  advance(5000);
  const done = await assembler.flush();
  assertEquals(done.map((r) => r.logPoolIds), [[pool.id], [1]]);
  const rows = await sql<{ request_id: string; columns: unknown }>`select request_id, columns from ${
    sql.id(`request_lp${pool.id}`)
  }`.execute(store.db);
  assertEquals(rows.rows, [{ request_id: id, columns: { http_status: 200, who: "alice" } }]);
  assert(
    (await store.db.selectFrom("request").where("log_pool_id", "=", 1).select("request_id").execute())
      .length === 1,
  );
  await assembler.stop();
  await Deno.remove(dataDir, { recursive: true });
});

storeTest("recovery skips requests already written from a shared pending row", async (store) => {
  const dataDir = await Deno.makeTempDir({ prefix: "sonde-tel-" });
  let now = 1_000_000;
  const opts = { store, dataDir, clock: () => now, graceMs: 5000 };
  const first = await createAssembler(opts);
  const a = rid();
  const c = rid();
  const cOpen = twoAgentRequest(c).web.slice(0, 1); // c's root has not ended yet
  first.ingestStaged(await first.persistInTx(store.db, 1, [...twoAgentRequest(a).web, ...cOpen]));
  now += 5000;
  assertEquals((await first.flush()).map((r) => r.requestId), [a]);
  assertEquals(first.stats().pendingRows, 1, "the row is still held by c");
  // crash; the rest of c arrives after the restart
  const second = await createAssembler(opts);
  assertEquals([second.stats().recoveredEvents, second.stats().recoveredSkipped], [3, 2]);
  second.ingestStaged(await second.persistInTx(store.db, 1, twoAgentRequest(c).web.slice(1)));
  now += 5000;
  assertEquals((await second.flush()).map((r) => [r.requestId, r.eventCount]), [[c, 2]]);
  const rows = await store.db.selectFrom("request").select(["request_id"]).execute();
  assertEquals(rows.map((r) => r.request_id).sort(), [a, c].sort());
  assertEquals((await store.db.selectFrom("telemetry_pending").select("id").execute()).length, 0);
  await first.stop();
  await second.stop();
  await Deno.remove(dataDir, { recursive: true });
});

storeTest(
  "a request whose row already exists is skipped, the rest of the batch is written",
  async (store) => {
    const { dataDir, assembler, advance } = await setup(store);
    const a = rid();
    const b = rid();
    assembler.ingest(1, twoAgentRequest(a).web);
    advance(5000);
    await assembler.flush();
    // the same request again (as after a restart that lost the in-memory state), plus a new one
    const again = await createAssembler({ store, dataDir, graceMs: 0 });
    again.ingest(1, [...twoAgentRequest(a).web, ...twoAgentRequest(b).web]);
    assertEquals((await again.flush(Date.now() + 1)).length, 2);
    assertEquals(again.stats().flushErrors, 0);
    const rows = await store.db.selectFrom("request").select(["request_id"]).execute();
    assertEquals(rows.map((r) => r.request_id).sort(), [a, b].sort());
    await assembler.stop();
    await again.stop();
    await Deno.remove(dataDir, { recursive: true });
  },
);

storeTest("malformed events from an agent are dropped and counted, the rest is assembled", async (store) => {
  const { dataDir, assembler, advance } = await setup(store);
  const id = rid();
  const bad = [{ tsUs: "x" }, null, {
    ...twoAgentRequest(id).web[0]!,
    app: undefined,
  }] as unknown as TelemetryEvent[];
  assembler.ingestStaged(await assembler.persistInTx(store.db, 1, [...bad, ...twoAgentRequest(id).web]));
  advance(5000);
  assertEquals((await assembler.flush()).map((r) => [r.requestId, r.eventCount]), [[id, 2]]);
  assertEquals([assembler.stats().invalidEvents, assembler.stats().flushErrors], [3, 0]);
  await assembler.stop();
  await Deno.remove(dataDir, { recursive: true });
});

storeTest(
  "a request that cannot be stored does not block the others: after repeated failures they go one by one",
  async (store) => {
    const { assembler, advance } = await setup(store);
    const good = [rid(), rid()];
    const bad = rid();
    for (const id of good) assembler.ingest(1, twoAgentRequest(id).web);
    // a text PostgreSQL refuses in a row (NUL); events reach here unchecked only through `ingest`
    const poisoned = twoAgentRequest(bad).web.map((e) => ({ ...e, text: "bad\u0000name" }));
    assembler.ingest(1, poisoned);
    advance(10_000);
    for (let i = 0; i < 4; i++) {
      assertEquals(await assembler.flush(), [], `attempt ${i + 1} fails as a whole`);
    }
    const written = await assembler.flush();
    assertEquals(written.map((r) => r.requestId).sort(), [...good].sort());
    assertEquals(assembler.stats().unwritable, 1);
    const rows = await sql<{ id: string }>`select request_id as id from request order by 1`.execute(store.db);
    assertEquals(rows.rows.map((r) => r.id), [...good].sort());
  },
  ["postgres"],
);

storeTest(
  "batches pulled in the agent's compact form are kept as they came and rebuilt after a restart",
  async (store) => {
    const { agentId, dataDir, opts, first, ing, advance } = await pulledInto(store, "c1");
    const shift = T0 - Date.now() * 1000; // inside the accepted time window whenever the test runs
    const at = (e: TelemetryEvent) => ({ ...e, tsUs: e.tsUs - shift });
    const [a, b] = [rid(), rid()];
    const ra = twoAgentRequest(a);
    const rb = twoAgentRequest(b);
    const stale = { ...ra.web[0]!, requestId: rid(), tsUs: 1 }; // 1970: refused by the time window
    const payload = (events: TelemetryEvent[]) => new TextEncoder().encode(compactEventBatch({ events }));
    const result = await ing.ingest(agentId, 0, [
      { seq: 1, kind: RecordKind.Events, ts: 0, payload: payload([...ra.web, ...ra.db].map(at)) },
      { seq: 2, kind: RecordKind.Events, ts: 0, payload: payload([stale, ...rb.web.map(at)]) },
    ]);
    assertEquals([result.events, result.rejectedEvents], [6, 1]);
    assertEquals(first.stats().openEvents, 6, "the batch-level registration reached every event");
    // "kill -9" before any flush: the next assembler rebuilds both requests from the pending row
    const second = await createAssembler(opts);
    assertEquals(second.stats().recoveredEvents, 6);
    advance(5000);
    assertEquals(
      (await second.flush()).map((r) => [r.requestId, r.eventCount]).sort(),
      [[a, 4], [b, 2]].sort(),
    );
    const rows = await store.db.selectFrom("request").select(["request_id", "tiers"]).orderBy("request_id")
      .execute();
    assertEquals(
      rows.map((r) => [r.request_id, r.tiers]),
      [[a, ["shop 1/db/db-1", "shop 1/web/web-1"]], [b, ["shop 1/web/web-1"]]].sort(),
    );
    await first.stop();
    await second.stop();
    await Deno.remove(dataDir, { recursive: true });
  },
);

storeTest(
  "a pulled page waiting for assembly takes a fraction of its size in PostgreSQL (lz4)",
  async (store) => {
    const dataDir = await Deno.makeTempDir({ prefix: "sonde-tel-" });
    const assembler = await createAssembler({ store, dataDir });
    const events = Array.from({ length: 200 }, () => twoAgentRequest(rid()).web).flat();
    const raw = Array.from({ length: 40 }, () => new TextEncoder().encode(compactEventBatch({ events })));
    const bytes = raw.reduce((n, r) => n + r.length, 0);
    await assembler.persistInTx(store.db, 1, events, raw);
    const size = await sql<{ n: number }>`select pg_total_relation_size('telemetry_pending') as n`.execute(
      store.db,
    );
    assert(bytes > 2_000_000, `a realistic page (${bytes} bytes)`);
    assert(Number(size.rows[0]!.n) < bytes / 4, `stored in ${size.rows[0]!.n} bytes for ${bytes}`);
    // and it reads back: a restarted assembler finds every event of the page
    const again = await createAssembler({ store, dataDir });
    assertEquals(again.stats().recoveredEvents, events.length * 40);
    await again.stop();
    await assembler.stop();
    await Deno.remove(dataDir, { recursive: true });
  },
  ["postgres"],
);

storeTest("a pulled record with invalid UTF-8 is stored as decoded, not as received", async (store) => {
  const { agentId, dataDir, opts, first, ing, advance } = await pulledInto(store, "u1");
  const a = rid();
  const shift = T0 - Date.now() * 1000;
  const events = twoAgentRequest(a).web.map((e) => ({ ...e, tsUs: e.tsUs - shift, text: "caf\u00e9" }));
  const payload = new TextEncoder().encode(compactEventBatch({ events }));
  const at = payload.indexOf(0xc3); // the first byte of "é": make it an invalid sequence
  payload[at] = 0xff;
  const result = await ing.ingest(agentId, 0, [{ seq: 1, kind: RecordKind.Events, ts: 0, payload }]);
  assertEquals([result.events, result.rejected], [2, 0], "the page is stored, not refused forever");
  const second = await createAssembler(opts); // rebuilt from the pending row
  advance(5000);
  assertEquals((await second.flush()).map((r) => [r.requestId, r.eventCount]), [[a, 2]]);
  await first.stop();
  await second.stop();
  await Deno.remove(dataDir, { recursive: true });
});

storeTest(
  "a pending row with a byte-order mark is read; an unreadable one does not stop the start",
  async (store) => {
    const dataDir = await Deno.makeTempDir({ prefix: "sonde-tel-" });
    const a = rid();
    const batch = compactEventBatch({ events: twoAgentRequest(a).web });
    await store.db.insertInto("telemetry_pending").values([
      { agent_id: 1, events: `[\uFEFF${batch},\uFEFF${batch}]` },
      { agent_id: 1, events: "not json" },
    ]).execute();
    const assembler = await createAssembler({ store, dataDir });
    assertEquals(assembler.stats().recoveredEvents, 4);
    await assembler.stop();
    await Deno.remove(dataDir, { recursive: true });
  },
);
