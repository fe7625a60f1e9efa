/**
 * Request statistics of a log pool: per time bucket the count, error rate and duration percentiles
 * (`percentile_cont` up to {@linkcode EXACT_MAX_ROWS} rows; beyond, from the 10-minute rollup table
 * within 2 % when range and bucket are whole slots, else from duration histograms within 1 %),
 * the slowest requests, and the same figures grouped by application, agent, status or a column. Three
 * queries over the pool's day partitions, run in parallel.
 * @module
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "@sonde/shared/db";
import type { Statistics, StatisticsQuery } from "@sonde/shared/api";
import { type AgentNames, type DbRequestRow, ROW_COLUMNS, toRequestRows } from "./request_row.ts";
import { BIN_SQL, DurationHistogram } from "./duration_histogram.ts";
import { check, checkInt, checkRange, checkString, checkTime, objectOf } from "./validate.ts";

/** Most buckets one answer holds. */
export const MAX_BUCKETS = 10_000;
/** Slowest requests returned. */
export const TOP_SLOW = 10;
/** Groups returned at most (largest first). */
export const MAX_GROUPS = 50;

/** Validates a {@linkcode StatisticsQuery}. */
export function parseStatisticsQuery(value: unknown): StatisticsQuery {
  const problems: string[] = [];
  const o = objectOf(problems, value, "query");
  const q = {
    pool: checkInt(problems, o, "pool", 1, 2 ** 31 - 1, true),
    from: checkTime(problems, o, "from", true),
    to: checkTime(problems, o, "to", true),
    bucketMs: checkInt(problems, o, "bucketMs", 1000, 366 * 86_400_000, true),
    groupBy: checkString(problems, o, "groupBy", 256, false),
  } as StatisticsQuery;
  checkRange(problems, q.from, q.to);
  if (q.bucketMs && q.to > q.from && (q.to - q.from) / q.bucketMs > MAX_BUCKETS) {
    problems.push(
      `bucketMs: gives more than ${MAX_BUCKETS} buckets over the range: current value is ${q.bucketMs}`,
    );
  }
  check(problems);
  return q;
}

function groupKey(groupBy: string): { from: RawBuilder<unknown>; key: RawBuilder<unknown> } {
  switch (groupBy) {
    case "app":
      return { from: sql`, jsonb_array_elements_text(applications) g(k)`, key: sql`g.k` };
    case "agent":
      return { from: sql`, jsonb_array_elements_text(agents) g(k)`, key: sql`g.k` };
    case "status":
      return { from: sql``, key: sql`status` };
    default:
      return { from: sql``, key: sql`coalesce(columns ->> ${groupBy}, '')` };
  }
}

/** Ranges with more rows than this get percentiles from duration histograms (within 1 %). */
export const EXACT_MAX_ROWS = 100_000;

type Num = number | string;
type Bucket = Statistics["buckets"][number];
type Group = Statistics["groups"][number];

function percentiles(p: number[] | string): number[] {
  if (Array.isArray(p)) return p.map(Number);
  return p.replace(/[{}]/g, "").split(",").map(Number);
}

/** Runs `fn` on its own connection with more sort memory (PostgreSQL; PGlite runs it as is). */
function withSortMemory<T>(db: Kysely<Database>, fn: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`set local work_mem = '64MB'`.execute(tx);
    return await fn(tx);
  });
}

/** Statistics of `raw.pool` over `[from, to)`. */
export async function statistics(
  db: Kysely<Database>,
  agents: AgentNames,
  raw: StatisticsQuery,
): Promise<Statistics> {
  const q = parseStatisticsQuery(raw);
  const where = sql`log_pool_id = ${q.pool} and start_ts >= ${new Date(q.from)} and start_ts < ${new Date(
    q.to,
  )}`;
  // date_bin works on the timestamp's integer µs; extract(epoch) is numeric and costs ~1 µs a row
  const bucket = sql`date_bin(${`${q.bucketMs} milliseconds`}::interval, start_ts, ${new Date(q.from)})`;
  const probe = await sql<{ n: Num }>`select count(*) as n from
    (select 1 from request where ${where} limit ${EXACT_MAX_ROWS + 1}) s`.execute(db);
  const exact = Number(probe.rows[0]?.n ?? 0) <= EXACT_MAX_ROWS;
  const g = q.groupBy === undefined ? undefined : groupKey(q.groupBy);
  const [buckets, slow, groups] = await Promise.all([
    exact
      ? withSortMemory(db, (tx) => exactBuckets(tx, where, bucket))
      : rollupAligned(q)
      ? rollupBuckets(db, q)
      : histogramBuckets(db, where, bucket),
    sql<DbRequestRow>`select ${ROW_COLUMNS} from request where ${where}
      order by duration_us desc, start_ts desc, request_id desc limit ${TOP_SLOW}`.execute(db),
    g &&
    (exact
      ? withSortMemory(db, (tx) => exactGroups(tx, where, g))
      : withSortMemory(db, (tx) => histogramGroups(tx, where, g))),
  ]);
  let names = new Map<number, string>();
  if (q.groupBy === "agent" && groups) names = await agents.names(groups.map((r) => Number(r.key)));
  return {
    buckets,
    topSlow: await toRequestRows(slow.rows, agents),
    groups: (groups ?? []).map((r) =>
      q.groupBy === "agent" ? { ...r, key: names.get(Number(r.key)) ?? r.key } : r
    ),
  };
}

type Frag = RawBuilder<unknown>;

/** Slot of the `request_stat_10m` rollup (migration 0005). */
export const SLOT_MS = 600_000;
const ROLLUP_BINS_PER_E = 50;

/** Deletes rollup rows older than their log pool's retention (request partitions are dropped by day). */
export async function pruneStatistics(db: Kysely<Database>): Promise<void> {
  await sql`delete from request_stat_10m s using log_pool p
    where s.log_pool_id = p.id and s.slot < now() - make_interval(days => p.retention_days)`.execute(db);
}

/** Whether the rollup can answer `q`: range and bucket on whole 10-minute slots. */
export function rollupAligned(q: StatisticsQuery): boolean {
  return q.from % SLOT_MS === 0 && q.to % SLOT_MS === 0 && q.bucketMs % SLOT_MS === 0;
}

/** Buckets from the 10-minute rollup: counts and error rates exact, percentiles within 2 %. */
export async function rollupBuckets(db: Kysely<Database>, q: StatisticsQuery): Promise<Bucket[]> {
  const r = await db.selectFrom("request_stat_10m").select(["slot", "bin", "n", "errors"])
    .where("log_pool_id", "=", q.pool).where("slot", ">=", new Date(q.from)).where(
      "slot",
      "<",
      new Date(q.to),
    )
    .execute();
  const by = new Map<number, { hist: DurationHistogram; errors: number }>();
  for (const row of r) {
    const b = q.from + Math.floor((new Date(row.slot).getTime() - q.from) / q.bucketMs) * q.bucketMs;
    let e = by.get(b);
    if (!e) by.set(b, e = { hist: new DurationHistogram(ROLLUP_BINS_PER_E), errors: 0 });
    e.hist.add(Number(row.bin), Number(row.n));
    e.errors += Number(row.errors);
  }
  return [...by.entries()].sort((x, y) => x[0] - y[0]).map(([ts, { hist, errors }]) => ({
    ts,
    count: hist.total,
    errorRate: hist.total === 0 ? 0 : errors / hist.total,
    p50Us: hist.percentile(0.5),
    p95Us: hist.percentile(0.95),
    p99Us: hist.percentile(0.99),
  }));
}

async function exactBuckets(db: Kysely<Database>, where: Frag, bucket: Frag): Promise<Bucket[]> {
  const r = await sql<
    { b: Num; n: Num; errors: Num; p: number[] | string }
  >`select ${bucket} as b, count(*) as n,
    count(*) filter (where status = 'error') as errors,
    percentile_cont(array[0.5, 0.95, 0.99]) within group (order by duration_us) as p
    from request where ${where} group by 1 order by 1`.execute(db);
  return r.rows.map((row) => {
    const n = Number(row.n);
    const [p50, p95, p99] = percentiles(row.p);
    return {
      ts: new Date(row.b).getTime(),
      count: n,
      errorRate: n === 0 ? 0 : Number(row.errors) / n,
      p50Us: p50!,
      p95Us: p95!,
      p99Us: p99!,
    };
  });
}

async function histogramBuckets(db: Kysely<Database>, where: Frag, bucket: Frag): Promise<Bucket[]> {
  const r = await sql<
    { b: Date | string; h: Num; n: Num; errors: Num }
  >`select ${bucket} as b, ${BIN_SQL} as h,
    count(*) as n, count(*) filter (where status = 'error') as errors
    from request where ${where} group by 1, 2`.execute(db);
  const by = new Map<number, { hist: DurationHistogram; errors: number }>();
  for (const row of r.rows) {
    const b = new Date(row.b).getTime();
    let e = by.get(b);
    if (!e) by.set(b, e = { hist: new DurationHistogram(), errors: 0 });
    e.hist.add(Number(row.h), Number(row.n));
    e.errors += Number(row.errors);
  }
  return [...by.entries()].sort((x, y) => x[0] - y[0]).map(([b, { hist, errors }]) => ({
    ts: b,
    count: hist.total,
    errorRate: hist.total === 0 ? 0 : errors / hist.total,
    p50Us: hist.percentile(0.5),
    p95Us: hist.percentile(0.95),
    p99Us: hist.percentile(0.99),
  }));
}

async function exactGroups(
  db: Kysely<Database>,
  where: Frag,
  g: ReturnType<typeof groupKey>,
): Promise<Group[]> {
  const r = await sql<{ k: string; n: Num; errors: Num; p95: Num }>`
    select ${g.key} as k, count(*) as n, count(*) filter (where status = 'error') as errors,
    percentile_cont(0.95) within group (order by duration_us) as p95
    from request ${g.from} where ${where} group by 1 order by 2 desc, 1 limit ${MAX_GROUPS}`.execute(db);
  return r.rows.map((row) => ({
    key: row.k,
    count: Number(row.n),
    errorRate: Number(row.n) === 0 ? 0 : Number(row.errors) / Number(row.n),
    p95Us: Number(row.p95),
  }));
}

async function histogramGroups(
  db: Kysely<Database>,
  where: Frag,
  g: ReturnType<typeof groupKey>,
): Promise<Group[]> {
  const r = await sql<{ k: string; h: Num; n: Num; total: Num; errors: Num }>`
    with c as (select ${g.key} as k, ${BIN_SQL} as h, count(*) as n,
        count(*) filter (where status = 'error') as e from request ${g.from} where ${where} group by 1, 2),
      t as (select k, sum(n) as total, sum(e) as errors from c group by k order by 2 desc, 1 limit ${MAX_GROUPS})
    select c.k, c.h, c.n, t.total, t.errors from c join t on t.k = c.k`.execute(db);
  const by = new Map<string, { hist: DurationHistogram; total: number; errors: number }>();
  for (const row of r.rows) {
    let e = by.get(row.k);
    if (!e) {
      by.set(
        row.k,
        e = { hist: new DurationHistogram(), total: Number(row.total), errors: Number(row.errors) },
      );
    }
    e.hist.add(Number(row.h), Number(row.n));
  }
  return [...by.entries()]
    .sort((x, y) => y[1].total - x[1].total || (x[0] < y[0] ? -1 : 1))
    .map(([key, e]) => ({
      key,
      count: e.total,
      errorRate: e.total === 0 ? 0 : e.errors / e.total,
      p95Us: e.hist.percentile(0.95),
    }));
}
