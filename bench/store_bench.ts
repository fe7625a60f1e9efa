/**
 * Store ingest: counter samples `(agent_id, counter_id, ts, value)` through the production bulk path
 * (COPY) into the day-partitioned `counter_sample` table, on a throwaway PostgreSQL 15 cluster with
 * durable settings, and on PGlite.
 * Prints `BENCH store_copy_rows_per_s` and `BENCH store_pglite_rows_per_s`.
 */
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
  await ensureDayPartitions(store.db, "counter_sample", t0, 1);
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    await copyRows(store.db, "counter_sample", ["agent_id", "counter_id", "ts", "value"], samples(rows, t0));
    rates.push(rows / ((performance.now() - start) / 1000));
  }
  const { n } = await store.db.selectFrom("counter_sample").select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
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
