/**
 * Request statistics of a log pool: per time bucket the count, error rate and duration percentiles
 * (`percentile_cont`), the slowest requests, and the same figures grouped by application, agent,
 * status or a column. Three queries over the pool's day partitions.
 * @module
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "@sonde/shared/db";
import type { Statistics, StatisticsQuery } from "@sonde/shared/api";
import { type AgentNames, type DbRequestRow, ROW_COLUMNS, toRequestRows } from "./request_row.ts";
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

interface BucketRow {
  b: number | string;
  n: number | string;
  errors: number | string;
  p: number[] | string;
}

function percentiles(p: number[] | string): number[] {
  if (Array.isArray(p)) return p.map(Number);
  return p.replace(/[{}]/g, "").split(",").map(Number);
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
  const bucketExpr = sql`floor((extract(epoch from start_ts) * 1000 - ${q.from}) / ${q.bucketMs})::int8`;
  const pct = sql`percentile_cont(array[0.5, 0.95, 0.99]) within group (order by duration_us)`;
  const [buckets, slow, groups] = await Promise.all([
    sql<
      BucketRow
    >`select ${bucketExpr} as b, count(*) as n, count(*) filter (where status = 'error') as errors,
      ${pct} as p from request where ${where} group by 1 order by 1`.execute(db),
    sql<DbRequestRow>`select ${ROW_COLUMNS} from request where ${where}
      order by duration_us desc, start_ts desc, request_id desc limit ${TOP_SLOW}`.execute(db),
    q.groupBy === undefined ? undefined : (() => {
      const g = groupKey(q.groupBy!);
      return sql<{ k: string; n: number | string; errors: number | string; p95: number | string }>`
        select ${g.key} as k, count(*) as n, count(*) filter (where status = 'error') as errors,
        percentile_cont(0.95) within group (order by duration_us) as p95
        from request ${g.from} where ${where} group by 1 order by 2 desc, 1 limit ${MAX_GROUPS}`.execute(db);
    })(),
  ]);
  let agentNames = new Map<number, string>();
  if (q.groupBy === "agent" && groups) agentNames = await agents.names(groups.rows.map((r) => Number(r.k)));
  return {
    buckets: buckets.rows.map((r) => {
      const n = Number(r.n);
      const [p50, p95, p99] = percentiles(r.p);
      return {
        ts: q.from + Number(r.b) * q.bucketMs,
        count: n,
        errorRate: n === 0 ? 0 : Number(r.errors) / n,
        p50Us: p50 ?? 0,
        p95Us: p95 ?? 0,
        p99Us: p99 ?? 0,
      };
    }),
    topSlow: await toRequestRows(slow.rows, agents),
    groups: (groups?.rows ?? []).map((r) => ({
      key: q.groupBy === "agent" ? agentNames.get(Number(r.k)) ?? r.k : r.k,
      count: Number(r.n),
      errorRate: Number(r.n) === 0 ? 0 : Number(r.errors) / Number(r.n),
      p95Us: Number(r.p95),
    })),
  };
}
