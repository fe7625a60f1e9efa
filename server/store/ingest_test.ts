import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { sql } from "kysely";
import { storeTest } from "../../tests/helpers/store.ts";
import { RecordKind } from "@sonde/shared/wire/types";
import type { JournalRecord } from "@sonde/shared/wire/record_codec";
import { CursorMovedError, Ingestor } from "./ingest.ts";

const enc = new TextEncoder();
function rec(seq: number, kind: number, value: unknown): JournalRecord {
  return { seq, kind, ts: 0, payload: enc.encode(JSON.stringify(value)) };
}

const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);

storeTest("a pulled batch stores counters, rollups, checks and the cursor together", async (store) => {
  const { id } = await store.db.insertInto("agent").values({ name: "a1", address: "127.0.0.1:1" }).returning(
    "id",
  )
    .executeTakeFirstOrThrow();
  const ing = new Ingestor(store.db);
  const records = [
    rec(1, RecordKind.Samples, {
      ts: T0,
      samples: [{ key: "cpu.busy_pct", value: 10, unit: "%" }, { key: "mem.used", value: 5 }],
    }),
    rec(2, RecordKind.Samples, { ts: T0 + 30_000, samples: [{ key: "cpu.busy_pct", value: 30, unit: "%" }] }),
    rec(3, RecordKind.Check, {
      checkId: "c1",
      ts: T0 + 1000,
      state: "WARNING",
      message: "slow",
      durationMs: 12,
    }),
    rec(4, RecordKind.Samples, { ts: T0 + 70_000, samples: [{ key: "cpu.busy_pct", value: 50, unit: "%" }] }),
    rec(5, 99, { junk: true }),
  ];
  const r = await ing.ingest(id, 0, records, {
    state: "ok",
    failures: 0,
    last_ok_at: new Date(T0),
    agent_last_seq: 9,
  });
  assertEquals({ samples: r.samples, checks: r.checks, rejected: r.rejected, acked: r.ackedSeq }, {
    samples: 4,
    checks: 1,
    rejected: 1,
    acked: 5,
  });
  const agent = await store.db.selectFrom("agent").select("acked_seq").where("id", "=", id)
    .executeTakeFirstOrThrow();
  assertEquals(agent.acked_seq, 5);
  const points = await sql<{ t: number; v: number }>`
    select t, v from counter_block b join counter c on c.agent_id = b.agent_id and c.id = b.counter_id,
      unnest(b.ts_ms, b.vals) as u(t, v) where c.key = 'cpu.busy_pct' order by t`.execute(store.db);
  assertEquals(points.rows.map((p) => [Number(p.t) - T0, p.v]), [[0, 10], [30_000, 30], [70_000, 50]]);
  const minutes = await sql<{ n: number; sum: number; last: number }>`
    select n, sum, last from counter_rollup_1m m join counter c on c.agent_id = m.agent_id and c.id = m.counter_id
    where c.key = 'cpu.busy_pct' order by bucket`.execute(store.db);
  assertEquals(minutes.rows, [{ n: 2, sum: 40, last: 30 }, { n: 1, sum: 50, last: 50 }]);
  const cs = await store.db.selectFrom("check_state").selectAll().executeTakeFirstOrThrow();
  assertEquals([cs.check_id, cs.state, cs.message], ["c1", "WARNING", "slow"]);

  // the same batch again (ack lost, agent resends): nothing doubles
  const again = await ing.ingest(id, 5, records);
  assertEquals(again.records, 0);
  // a stale cursor (another server stored it first) is refused, nothing written
  await assertRejects(() =>
    ing.ingest(id, 0, [rec(6, RecordKind.Samples, { ts: T0, samples: [{ key: "x", value: 1 }] })])
  );
  const n = await sql<{ n: number }>`select count(*)::int as n from counter where key = 'x'`.execute(
    store.db,
  );
  assertEquals(n.rows[0]!.n, 0, "the refused batch left no series behind");
  const hours = await sql<{ n: number }>`select sum(n)::int as n from counter_rollup_1h`.execute(store.db);
  assertEquals(hours.rows[0]!.n, 4);
  assert(CursorMovedError);
});

storeTest(
  "pages of several agents share one transaction, and a moved cursor stores none of them",
  async (store) => {
    const ids: number[] = [];
    for (const name of ["g1", "g2", "g3"]) {
      ids.push(
        (await store.db.insertInto("agent").values({ name, address: "127.0.0.1:1" }).returning("id")
          .executeTakeFirstOrThrow()).id,
      );
    }
    const ing = new Ingestor(store.db);
    const page = (
      n: number,
    ) => [rec(n, RecordKind.Samples, { ts: T0 + n, samples: [{ key: "load.1", value: n }] })];
    const results = await ing.ingestMany(ids.map((agentId) => ({ agentId, fromSeq: 0, records: page(1) })));
    assertEquals(results.map((r) => r.ackedSeq), [1, 1, 1]);
    const err = await assertRejects(() =>
      ing.ingestMany([
        { agentId: ids[0]!, fromSeq: 1, records: page(2) },
        { agentId: ids[1]!, fromSeq: 0, records: page(2) }, // stale: its cursor is 1
      ])
    );
    assert(err instanceof CursorMovedError && err.message.includes(`agent ${ids[1]}`), err.message);
    const cursors = await store.db.selectFrom("agent").select("acked_seq").orderBy("id").execute();
    assertEquals(cursors.map((c) => c.acked_seq), [1, 1, 1], "nothing of the failed group was stored");
    const batches = await sql<{ n: number }>`select count(*)::int as n from ingest_batch`.execute(store.db);
    assertEquals(batches.rows[0]!.n, 3);
  },
  ["postgres"],
);

storeTest(
  "bad records are counted and skipped, and a clock stepping back does not block the agent",
  async (store) => {
    const { id } = await store.db.insertInto("agent").values({ name: "b1", address: "127.0.0.1:1" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const ing = new Ingestor(store.db);
    const r = await ing.ingest(id, 0, [
      rec(1, RecordKind.Samples, { ts: T0 + 50_000, samples: [{ key: "load.1", value: 1 }] }),
      rec(2, RecordKind.Samples, { ts: T0 + 60_000, samples: [{ key: "load.1", value: 2 }] }),
      rec(3, RecordKind.Samples, { ts: T0 + 40_000, samples: [{ key: "load.1", value: 3 }] }), // clock stepped back
      rec(4, RecordKind.Check, { checkId: "c1", ts: "yesterday", state: "OK", message: "x", durationMs: 1 }),
      rec(5, RecordKind.Check, {
        checkId: "c2",
        ts: T0,
        state: "OK",
        message: "nul\u0000inside",
        durationMs: 1,
      }),
      rec(6, RecordKind.Events, { events: [{ tsUs: 1, requestId: "r" }] }), // 1970: outside the window
    ]);
    assertEquals([r.ackedSeq, r.samples, r.checks, r.rejected, r.rejectedEvents], [6, 3, 1, 1, 1]);
    const minute = await sql<
      { n: number; sum: number }
    >`select n, sum from counter_rollup_1m where bucket = ${new Date(T0)}`
      .execute(store.db);
    assertEquals(minute.rows, [{ n: 2, sum: 4 }], "both samples of 10:00 merged into one rollup row");
    const msg = await store.db.selectFrom("check_state").select("message").executeTakeFirstOrThrow();
    assertEquals(msg.message, "nul\uFFFDinside");
  },
  ["postgres"],
);
