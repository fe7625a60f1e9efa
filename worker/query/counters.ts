/**
 * Counter history for charts. The resolution follows the range: up to 6 h raw samples (unnested from
 * `counter_block`), up to 14 days the 1-minute rollup, beyond that the 1-hour rollup; the result is
 * downsampled to at most {@linkcode MAX_POINTS} points by averaging equal time slots.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "@sonde/shared/db";
import { NotFoundError } from "@sonde/shared/errors";
import type { CounterKey, CounterSeries, CounterSeriesQuery } from "@sonde/shared/api";
import { check, checkInt, checkRange, checkString, checkTime, objectOf } from "./validate.ts";

/** Most points one series answer holds. */
export const MAX_POINTS = 1500;
const HOUR = 3_600_000;
/** Largest range served raw. */
export const RAW_MAX_MS = 6 * HOUR;
/** Largest range served from the 1-minute rollup. */
export const ROLLUP_1M_MAX_MS = 14 * 24 * HOUR;

/** The resolution {@linkcode counterSeries} uses for a range of `rangeMs`. */
export function resolutionFor(rangeMs: number): CounterSeries["resolution"] {
  if (rangeMs <= RAW_MAX_MS) return "raw";
  return rangeMs <= ROLLUP_1M_MAX_MS ? "1m" : "1h";
}

/** Validates a {@linkcode CounterSeriesQuery}. */
export function parseCounterSeriesQuery(value: unknown): CounterSeriesQuery {
  const problems: string[] = [];
  const o = objectOf(problems, value, "query");
  const q = {
    agentId: checkInt(problems, o, "agentId", 1, 2 ** 31 - 1, true),
    key: checkString(problems, o, "key", 512, true),
    from: checkTime(problems, o, "from", true),
    to: checkTime(problems, o, "to", true),
  };
  checkRange(problems, q.from, q.to);
  check(problems);
  return q as CounterSeriesQuery;
}

/** Averages `points` (ascending) into at most `max` equal time slots. */
export function downsample(points: [number, number][], from: number, to: number, max = MAX_POINTS) {
  if (points.length <= max) return points;
  const width = (to - from) / max;
  const out: [number, number][] = [];
  let slot = -1, sumT = 0, sumV = 0, n = 0;
  const flush = () => {
    if (n > 0) out.push([Math.round(sumT / n), sumV / n]);
    sumT = sumV = n = 0;
  };
  for (const [t, v] of points) {
    const s = Math.min(max - 1, Math.floor((t - from) / width));
    if (s !== slot) {
      flush();
      slot = s;
    }
    sumT += t;
    sumV += v;
    n++;
  }
  flush();
  return out;
}

/** The values of one counter over `[from, to)`. */
export async function counterSeries(db: Kysely<Database>, raw: CounterSeriesQuery): Promise<CounterSeries> {
  const q = parseCounterSeriesQuery(raw);
  const counter = await db.selectFrom("counter").select(["id", "unit"])
    .where("agent_id", "=", q.agentId).where("key", "=", q.key).executeTakeFirst();
  if (!counter) {
    throw new NotFoundError(`Cannot find counter "${q.key}" of agent ${q.agentId}: no such counter`);
  }
  const resolution = resolutionFor(q.to - q.from);
  let rows: { t: number; v: number }[];
  if (resolution === "raw") {
    const r = await sql<{ t: number; v: number }>`
      select u.t, u.v from counter_block b, unnest(b.ts_ms, b.vals) as u(t, v)
      where b.agent_id = ${q.agentId} and b.counter_id = ${counter.id}
        and b.block_start < ${new Date(q.to)} and b.block_end >= ${new Date(q.from)}
        and u.t >= ${q.from} and u.t < ${q.to}
      order by u.t`.execute(db);
    rows = r.rows;
  } else {
    const table = resolution === "1m" ? "counter_rollup_1m" : "counter_rollup_1h";
    const bucketMs = resolution === "1m" ? 60_000 : HOUR;
    const r = await sql<{ t: number; v: number }>`
      select (extract(epoch from bucket) * 1000)::int8 as t, sum / greatest(n, 1) as v
      from ${sql.table(table)}
      where agent_id = ${q.agentId} and counter_id = ${counter.id}
        and bucket >= ${new Date(Math.floor(q.from / bucketMs) * bucketMs)} and bucket < ${new Date(q.to)}
      order by bucket`.execute(db);
    rows = r.rows;
  }
  const points = rows.map((r): [number, number] => [Number(r.t), Number(r.v)]);
  return {
    agentId: q.agentId,
    key: q.key,
    unit: counter.unit,
    resolution,
    points: downsample(points, q.from, q.to),
  };
}

/** The counters agent `agentId` reports, by key. */
export async function counterKeys(db: Kysely<Database>, agentId: number): Promise<CounterKey[]> {
  const problems: string[] = [];
  checkInt(problems, { agentId }, "agentId", 1, 2 ** 31 - 1, true);
  check(problems);
  return await db.selectFrom("counter").select(["key", "unit"])
    .where("agent_id", "=", agentId).orderBy("key").execute();
}
