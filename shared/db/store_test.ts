import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { sql } from "kysely";
import { storeTest } from "../../tests/helpers/store.ts";
import {
  copyBinary,
  copyRows,
  dropExpiredMonthPartitions,
  dropExpiredPartitions,
  ensureDayPartitions,
  ensureMonthPartitions,
  listDayPartitions,
  listMonthPartitions,
  migrateToLatest,
  migrateToZero,
  openStore,
} from "./mod.ts";

const DAY = 86_400_000;

async function tables<DB>(store: { db: import("kysely").Kysely<DB> }): Promise<string[]> {
  const r = await sql<
    { t: string }
  >`select tablename as t from pg_tables where schemaname = 'public' and tablename !~ '_p[0-9]{8}$' order by 1`
    .execute(store.db);
  return r.rows.map((x) => x.t);
}

/** A day-partitioned table shaped like counter samples, for partition and COPY tests. */
async function createProbe<DB>(db: import("kysely").Kysely<DB>): Promise<void> {
  await sql`create table probe_sample (agent_id int4 not null, counter_id int4 not null, ts timestamptz not null,
    value float8 not null) partition by range (ts)`.execute(db);
}

storeTest("migrations go up, down and up again", async (store) => {
  const before = await tables(store);
  assert(before.includes("setting") && before.includes("sonde_migration"), `tables after open: ${before}`);
  const reverted = await migrateToZero(store.db);
  assert(reverted.length > 0);
  const none = await tables(store);
  assertEquals(none.filter((t) => !t.startsWith("sonde_migration")), []);
  await migrateToLatest(store.db);
  assertEquals(await tables(store), before);
});

storeTest("day partitions are created ahead and dropped when expired", async (store) => {
  await createProbe(store.db);
  const now = Date.UTC(2026, 10, 26, 12);
  const created = await ensureDayPartitions(store.db, "probe_sample", now - 20 * DAY, 24);
  assertEquals(created.length, 24);
  assertEquals(
    await ensureDayPartitions(store.db, "probe_sample", now, 3),
    [],
    "existing partitions are kept",
  );
  await copyRows(store.db, "probe_sample", ["agent_id", "counter_id", "ts", "value"], [
    [1, 1, new Date(now - 15 * DAY), 1.5],
    [1, 1, new Date(now), 2.5],
    [1, 1, new Date(now + 2 * DAY), 3.5],
  ]);
  const dropped = await dropExpiredPartitions(store.db, "probe_sample", 14 * DAY, now);
  // days -20..-15 end before now-14d (the day at -14d still holds in-retention hours)
  assertEquals(dropped.length, 6);
  const left = await listDayPartitions(store.db, "probe_sample");
  assertEquals(left.length, 18);
  assertEquals(left[0]!.day.getTime(), Date.UTC(2026, 10, 12));
  const rows =
    (await sql<{ value: number }>`select value from probe_sample order by ts`.execute(store.db)).rows;
  assertEquals(rows.map((r) => r.value), [2.5, 3.5], "the expired day's sample went with its partition");
});

storeTest("COPY writes every row with escaping and nulls intact", async (store) => {
  await sql`create table copy_probe (id int8, txt text, arr float8[], at timestamptz)`.execute(store.db);
  const rows = [
    [1, "tab\there", [1.5, 2], new Date("2026-01-02T03:04:05.678Z")],
    [2, "line\nbreak \\ backslash", [], null],
    [3, null, null, new Date(0)],
  ];
  const n = await copyRows(store.db, "copy_probe", ["id", "txt", "arr", "at"], rows);
  assertEquals(n, 3);
  const back = await sql<{ id: number; txt: string | null; arr: number[] | null; at: Date | null }>`
    select * from copy_probe order by id`.execute(store.db);
  assertEquals(back.rows.map((r) => r.txt), ["tab\there", "line\nbreak \\ backslash", null]);
  assertEquals(back.rows[0]!.arr, [1.5, 2]);
  assertEquals(back.rows[0]!.at?.toISOString(), "2026-01-02T03:04:05.678Z");
  assertEquals(back.rows[0]!.id, 1, "int8 is read as a number");
});

storeTest("a COPY inside a failed transaction leaves nothing behind", async (store) => {
  await createProbe(store.db);
  await ensureDayPartitions(store.db, "probe_sample", Date.now(), 1);
  await assertRejects(() =>
    store.db.transaction().execute(async (tx) => {
      await copyRows(tx, "probe_sample", ["agent_id", "counter_id", "ts", "value"], [[
        1,
        1,
        new Date(),
        1,
      ]]);
      throw new Error("boom");
    })
  );
  const n = (await sql<{ n: number }>`select count(*)::int as n from probe_sample`.execute(store.db)).rows[0];
  assertEquals(n?.n, 0);
});

storeTest("concurrent queries outside a transaction do not leak into it", async (store) => {
  await sql`create table iso (v int)`.execute(store.db);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const tx = store.db.transaction().execute(async (t) => {
    await t.insertInto("iso" as never).values({ v: 1 } as never).execute();
    await gate;
    throw new Error("rollback");
  }).catch(() => {});
  const outside = store.db.insertInto("iso" as never).values({ v: 2 } as never).execute();
  release();
  await Promise.all([tx, outside]);
  const r = await sql<{ v: number }>`select v from iso`.execute(store.db);
  assertEquals(r.rows.map((x) => x.v), [2]);
}, ["pglite"]);

Deno.test("an unreachable DATABASE_URL fails with a message naming it", async () => {
  const err = await assertRejects(() => openStore({ databaseUrl: "postgres://nobody:secret@127.0.0.1:1/x" }));
  assert(
    err instanceof Error &&
      /Cannot connect to PostgreSQL at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/x/.test(err.message),
    String(err),
  );
});

storeTest("monthly partitions of the 1-hour rollups are created and dropped by month", async (store) => {
  const now = Date.UTC(2026, 10, 26);
  const created = await ensureMonthPartitions(store.db, "counter_rollup_1h", Date.UTC(2024, 9, 15), 26);
  assertEquals(created[0], "counter_rollup_1h_m202410");
  assertEquals(created.at(-1), "counter_rollup_1h_m202611");
  const dropped = await dropExpiredMonthPartitions(store.db, "counter_rollup_1h", 730 * DAY, now);
  // two years back from 2026-11-26 is 2024-11-26: only October 2024 ended before it
  assertEquals(dropped, ["counter_rollup_1h_m202410"]);
  assertEquals((await listMonthPartitions(store.db, "counter_rollup_1h")).length, 25);
}, ["postgres"]);

storeTest(
  "a COPY the database refuses fails with the database's message instead of hanging",
  async (store) => {
    await sql`create table copy_strict (a int4 not null)`.execute(store.db);
    const many = Array.from({ length: 50_000 }, (_, i) => [i]);
    const late = await assertRejects(() =>
      copyRows(store.db, "copy_strict", ["a"], [...many, ["not a number"]])
    );
    assert(/not a number/.test(late.message), late.message);
    const early = await assertRejects(() => copyRows(store.db, "copy_strict", ["a"], [[1], ["x"]]));
    assert(/"x"/.test(early.message), early.message);
    await assertRejects(() => copyRows(store.db, "copy_strict", ["a"], [[new Date(NaN)]]));
    assertEquals(
      await copyRows(store.db, "copy_strict", ["a"], [[1], [2]]),
      2,
      "the connection is still usable",
    );
    const n = await sql<{ n: number }>`select count(*)::int as n from copy_strict`.execute(store.db);
    assertEquals(n.rows[0]!.n, 2, "nothing of the refused COPYs was stored");
  },
);

storeTest(
  "a binary COPY stores text bytes as they are, and a refused one fails with the message",
  async (store) => {
    await sql`create table copy_bin (id int8 not null, n int4, body text)`.execute(store.db);
    const enc = new TextEncoder();
    const tricky = 'tab\there\nnewline \\backslash "quote" Zürich 日本 \u{1F600}';
    const cols = [
      { name: "id", type: "int8" },
      { name: "n", type: "int4" },
      { name: "body", type: "text" },
    ] as const;
    const written = await copyBinary(store.db, "copy_bin", cols, [
      [2 ** 40, -7, [enc.encode("["), enc.encode(tricky), enc.encode("]")]],
      [1, null, []],
      [3, 2 ** 31 - 1, null],
    ]);
    assertEquals(written, 3);
    const rows = await sql<{ id: string; n: number | null; body: string | null }>`
    select id::text as id, n, body from copy_bin order by copy_bin.id`.execute(store.db);
    assertEquals(rows.rows, [
      { id: "1", n: null, body: "" },
      { id: "3", n: 2 ** 31 - 1, body: null },
      { id: String(2 ** 40), n: -7, body: `[${tricky}]` },
    ]);
    const bad = await assertRejects(() =>
      copyBinary(store.db, "copy_bin", cols, [[4, 1, [Uint8Array.of(0x61, 0xff, 0x62)]]])
    );
    assert(/UTF8|encoding|byte sequence/i.test(bad.message), bad.message);
    const n = await sql<{ n: number }>`select count(*)::int as n from copy_bin`.execute(store.db);
    assertEquals(
      n.rows[0]!.n,
      3,
      "the connection is still usable and nothing of the refused COPY was stored",
    );
  },
);
