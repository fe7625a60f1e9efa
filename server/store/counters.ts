/**
 * Counter storage: series ids per (agent, key), one `counter_block` row per series per pulled batch,
 * and 1-minute / 1-hour rollups upserted in the same transaction.
 * @module
 */
import { type Kysely, sql } from "kysely";
import { copyRows, type Database, PartitionCache } from "@sonde/shared/db";
import type { Sample } from "@sonde/shared/wire/types";

/** Samples of one batch grouped by series key. */
export interface SeriesBatch {
  key: string;
  unit: string;
  ts: number[];
  vals: number[];
}

/** Groups samples taken at several moments by key, in time order. */
export function groupSamples(batches: { ts: number; samples: Sample[] }[]): Map<string, SeriesBatch> {
  const out = new Map<string, SeriesBatch>();
  for (const b of batches) {
    for (const s of b.samples) {
      if (typeof s.value !== "number" || !Number.isFinite(s.value)) continue;
      let series = out.get(s.key);
      if (!series) {
        series = { key: s.key, unit: s.unit ?? "", ts: [], vals: [] };
        out.set(s.key, series);
      }
      series.ts.push(b.ts);
      series.vals.push(s.value);
    }
  }
  return out;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

interface Rollup {
  agentId: number;
  counterId: number;
  bucket: number;
  n: number;
  sum: number;
  min: number;
  max: number;
  last: number;
  lastTs: number;
}

function rollup(
  agentId: number,
  counterId: number,
  ts: number[],
  vals: number[],
  size: number,
  into: Rollup[],
): void {
  // one entry per bucket even when times are out of order (an agent clock stepping back)
  const byBucket = new Map<number, Rollup>();
  for (let i = 0; i < ts.length; i++) {
    const bucket = Math.floor(ts[i]! / size) * size;
    const v = vals[i]!;
    let cur = byBucket.get(bucket);
    if (!cur) {
      cur = { agentId, counterId, bucket, n: 0, sum: 0, min: v, max: v, last: v, lastTs: ts[i]! };
      byBucket.set(bucket, cur);
      into.push(cur);
    }
    cur.n++;
    cur.sum += v;
    if (v < cur.min) cur.min = v;
    if (v > cur.max) cur.max = v;
    if (ts[i]! >= cur.lastTs) {
      cur.last = v;
      cur.lastTs = ts[i]!;
    }
  }
}

/** Writes counter series of one agent: ids, blocks and rollups. Keeps a cache of series ids. */
export class CounterWriter {
  #ids = new Map<string, number>();
  #blocks = new PartitionCache("counter_block");
  #minutes = new PartitionCache("counter_rollup_1m");
  #hours = new PartitionCache("counter_rollup_1h", "month");

  /** Resolves (creating when new) the series ids of `keys`; new ids are cached only after `commit`. */
  async seriesIds(
    db: Kysely<Database>,
    agentId: number,
    series: SeriesBatch[],
  ): Promise<{ ids: Map<string, number>; fresh: Map<string, number> }> {
    const ids = new Map<string, number>();
    const missing: SeriesBatch[] = [];
    for (const s of series) {
      const id = this.#ids.get(`${agentId}\0${s.key}`);
      if (id === undefined) missing.push(s);
      else ids.set(s.key, id);
    }
    const fresh = new Map<string, number>();
    if (missing.length > 0) {
      await sql`insert into counter (agent_id, key, unit)
        select ${agentId}, k, u from unnest(${missing.map((s) => s.key)}::text[], ${
        missing.map((s) => s.unit)
      }::text[]) as t(k, u)
        on conflict (agent_id, key) do nothing`.execute(db);
      const rows = await db.selectFrom("counter").select(["id", "key"]).where("agent_id", "=", agentId)
        .where("key", "in", missing.map((s) => s.key)).execute();
      for (const r of rows) {
        ids.set(r.key, r.id);
        fresh.set(`${agentId}\0${r.key}`, r.id);
      }
    }
    return { ids, fresh };
  }

  /** Remembers ids created by a committed transaction. */
  commit(fresh: Map<string, number>): void {
    for (const [k, v] of fresh) this.#ids.set(k, v);
  }

  /**
   * Writes blocks and rollups of several agents inside `tx` with one COPY and one rollup statement.
   * Returns the number of samples and the series ids created (cache them with `commit` after commit).
   */
  async writeMany(
    tx: Kysely<Database>,
    batches: { agentId: number; series: Map<string, SeriesBatch> }[],
  ): Promise<{ samples: number; fresh: Map<string, number> }> {
    const rows: unknown[][] = [];
    const minutes: Rollup[] = [];
    const hours: Rollup[] = [];
    const times: number[] = [];
    const fresh = new Map<string, number>();
    let samples = 0;
    for (const { agentId, series } of batches) {
      if (series.size === 0) continue;
      const list = [...series.values()];
      const got = await this.seriesIds(tx, agentId, list);
      for (const [k, v] of got.fresh) fresh.set(k, v);
      for (const s of list) {
        const id = got.ids.get(s.key);
        if (id === undefined || s.ts.length === 0) continue;
        // blocks never cross a day boundary, so each lands in exactly one partition
        let start = 0;
        for (let i = 1; i <= s.ts.length; i++) {
          if (
            i === s.ts.length || Math.floor(s.ts[i]! / 86_400_000) !== Math.floor(s.ts[start]! / 86_400_000)
          ) {
            const ts = s.ts.slice(start, i);
            rows.push([
              agentId,
              id,
              new Date(ts[0]!),
              new Date(ts[ts.length - 1]!),
              ts,
              s.vals.slice(start, i),
            ]);
            times.push(ts[0]!);
            start = i;
          }
        }
        rollup(agentId, id, s.ts, s.vals, MINUTE, minutes);
        rollup(agentId, id, s.ts, s.vals, HOUR, hours);
        samples += s.ts.length;
      }
    }
    if (rows.length === 0) return { samples: 0, fresh };
    await this.#blocks.ensure(tx, times);
    await this.#minutes.ensure(tx, minutes.map((r) => r.bucket));
    await this.#hours.ensure(tx, hours.map((r) => r.bucket));
    await copyRows(tx, "counter_block", [
      "agent_id",
      "counter_id",
      "block_start",
      "block_end",
      "ts_ms",
      "vals",
    ], rows);
    await upsertRollups(tx, minutes, hours);
    return { samples, fresh };
  }
}

function rollupInsert(table: string, rows: Rollup[]) {
  return sql`insert into ${sql.id(table)} as t (agent_id, counter_id, bucket, n, sum, min, max, last, last_ts)
    select a, c, to_timestamp(b / 1000.0), n, s, mi, ma, l, to_timestamp(lt / 1000.0)
    from unnest(${rows.map((r) => r.agentId)}::int4[], ${rows.map((r) => r.counterId)}::int4[], ${
    rows.map((r) => r.bucket)
  }::int8[],
      ${rows.map((r) => r.n)}::int4[], ${rows.map((r) => r.sum)}::float8[], ${
    rows.map((r) => r.min)
  }::float8[],
      ${rows.map((r) => r.max)}::float8[], ${rows.map((r) => r.last)}::float8[], ${
    rows.map((r) => r.lastTs)
  }::int8[])
      as u(a, c, b, n, s, mi, ma, l, lt)
    on conflict (agent_id, counter_id, bucket) do update set
      n = t.n + excluded.n,
      sum = t.sum + excluded.sum,
      min = least(t.min, excluded.min),
      max = greatest(t.max, excluded.max),
      last = case when excluded.last_ts >= t.last_ts then excluded.last else t.last end,
      last_ts = greatest(t.last_ts, excluded.last_ts)`;
}

/** Upserts both rollup levels in one statement (two data-modifying CTEs): one round trip. */
async function upsertRollups(
  tx: Kysely<Database>,
  minutes: Rollup[],
  hours: Rollup[],
): Promise<void> {
  if (minutes.length === 0) return;
  await sql`with m as (${rollupInsert("counter_rollup_1m", minutes)} returning 1),
    h as (${rollupInsert("counter_rollup_1h", hours)} returning 1)
    select (select count(*) from m) + (select count(*) from h) as n`.execute(tx);
}
