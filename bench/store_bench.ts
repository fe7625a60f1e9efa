/**
 * Store ingest: counter samples `(agent_id, counter_id, ts, value)` through the production bulk path
 * (COPY) into a day-partitioned table of that shape (BRIN index), on a throwaway PostgreSQL 15 cluster with
 * durable settings, and on PGlite.
 * Prints `BENCH store_copy_rows_per_s` and `BENCH store_pglite_rows_per_s`.
 */
import { sql } from "kysely";
import { copyRows, ensureDayPartitions, openStore } from "../shared/db/mod.ts";
import { startPostgres } from "../tests/helpers/postgres.ts";
import { median, report } from "./median.ts";

function* samples(n: number, t0: number): Generator<[number, number, Date, number]> {
  for (let i = 0; i < n; i++) {
    yield [(i % 1000) + 1, (i % 100) + 1, new Date(t0 + Math.floor(i / 100_000) * 1000), i * 0.5];
  }
}

async function measure(
  store: Awaited<ReturnType<typeof openStore>>,
  rows: number,
  runs: number,
): Promise<number> {
  const t0 = Date.UTC(2026, 10, 26);
  await sql`create table bench_sample (agent_id int4 not null, counter_id int4 not null, ts timestamptz not null,
    value float8 not null) partition by range (ts)`.execute(store.db);
  await sql`create index on bench_sample using brin (agent_id, counter_id, ts)`.execute(store.db);
  await ensureDayPartitions(store.db, "bench_sample", t0, 1);
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    await copyRows(store.db, "bench_sample", ["agent_id", "counter_id", "ts", "value"], samples(rows, t0));
    rates.push(rows / ((performance.now() - start) / 1000));
  }
  const { rows: [{ n }] } = await sql<{ n: number }>`select count(*)::int as n from bench_sample`.execute(
    store.db,
  ) as {
    rows: [{ n: number }];
  };
  if (Number(n) !== rows * runs) throw new Error(`stored ${n} rows, expected ${rows * runs}`);
  return median(rates);
}

const cluster = await startPostgres({ durable: true });
try {
  const store = await openStore({ databaseUrl: cluster.url });
  report("store_copy_rows_per_s", await measure(store, 1_000_000, 3), "rows/s");
  await store.close();
} finally {
  await cluster.stop();
}

const dir = await Deno.makeTempDir({ prefix: "sonde-bench-pglite-" });
try {
  const store = await openStore({ dataDir: dir });
  report("store_pglite_rows_per_s", await measure(store, 200_000, 3), "rows/s");
  await store.close();
} finally {
  await Deno.remove(dir, { recursive: true });
}
