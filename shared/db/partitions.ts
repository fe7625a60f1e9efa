/**
 * Time partitions: daily (`<parent>_pYYYYMMDD`) for high-volume tables and monthly
 * (`<parent>_mYYYYMM`) for long-retention ones, created ahead of time and dropped when expired.
 * Retention never runs a bulk `DELETE`; a whole day or month goes with `DROP TABLE`.
 * @module
 */
import { type Kysely, sql } from "kysely";

const DAY_MS = 86_400_000;

/** Start of the UTC day containing `t`. */
export function dayStart(t: Date | number): Date {
  const ms = typeof t === "number" ? t : t.getTime();
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS);
}

/** `YYYYMMDD` of a UTC day. */
export function dayKey(t: Date | number): string {
  return dayStart(t).toISOString().slice(0, 10).replaceAll("-", "");
}

/** Start of the UTC month containing `t`. */
export function monthStart(t: Date | number): Date {
  const d = new Date(typeof t === "number" ? t : t.getTime());
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

/** One time partition; `day` is the first day it holds. */
export interface DayPartition {
  name: string;
  day: Date;
}

/** How one kind of partition is named and how long it spans. */
interface Period {
  /** Name suffix of the partition starting at `start`. */
  suffix(start: Date): string;
  /** Parses a suffix back to its start, or undefined. */
  parse(suffix: string): Date | undefined;
  /** Start of the period `n` periods after the one containing `t`. */
  start(t: Date | number, n: number): Date;
}

const DAY: Period = {
  suffix: (d) => `_p${dayKey(d)}`,
  parse: (s) => {
    const m = /^_p(\d{4})(\d{2})(\d{2})$/.exec(s);
    return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`) : undefined;
  },
  start: (t, n) => new Date(dayStart(t).getTime() + n * DAY_MS),
};

const MONTH: Period = {
  suffix: (d) => `_m${d.toISOString().slice(0, 7).replace("-", "")}`,
  parse: (s) => {
    const m = /^_m(\d{4})(\d{2})$/.exec(s);
    return m ? new Date(`${m[1]}-${m[2]}-01T00:00:00Z`) : undefined;
  },
  start: (t, n) => {
    const m = monthStart(t);
    return new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + n, 1));
  },
};

const IDENT = /^[a-z_][a-z0-9_]*$/;

function checkIdent(name: string): void {
  if (!IDENT.test(name)) throw new RangeError(`Invalid table name "${name}"`);
}

async function list<T>(db: Kysely<T>, parent: string, period: Period): Promise<DayPartition[]> {
  checkIdent(parent);
  const rows = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = ${parent}`.execute(db);
  const out: DayPartition[] = [];
  for (const { name } of rows.rows) {
    const day = name.startsWith(parent) ? period.parse(name.slice(parent.length)) : undefined;
    if (day) out.push({ name, day });
  }
  return out.sort((a, b) => a.day.getTime() - b.day.getTime());
}

async function ensure<T>(
  db: Kysely<T>,
  parent: string,
  period: Period,
  from: Date | number,
  count: number,
): Promise<string[]> {
  const existing = new Set((await list(db, parent, period)).map((p) => p.name));
  const created: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = period.start(from, i);
    const name = parent + period.suffix(start);
    if (existing.has(name)) continue;
    const end = period.start(start, 1);
    await sql`create table if not exists ${sql.id(name)} partition of ${sql.id(parent)}
      for values from (${sql.lit(start.toISOString())}) to (${sql.lit(end.toISOString())})`.execute(db);
    created.push(name);
  }
  return created;
}

async function dropExpired<T>(
  db: Kysely<T>,
  parent: string,
  period: Period,
  retentionMs: number,
  now: Date | number,
): Promise<string[]> {
  const cutoff = (typeof now === "number" ? now : now.getTime()) - retentionMs;
  const dropped: string[] = [];
  for (const p of await list(db, parent, period)) {
    if (period.start(p.day, 1).getTime() <= cutoff) {
      await sql`drop table if exists ${sql.id(p.name)}`.execute(db);
      dropped.push(p.name);
    }
  }
  return dropped;
}

/** Creates the daily partitions of `parent` covering `[from, from + days)`; returns the names created. */
export function ensureDayPartitions<T>(
  db: Kysely<T>,
  parent: string,
  from: Date | number,
  days: number,
): Promise<string[]> {
  return ensure(db, parent, DAY, from, days);
}

/** Lists the daily partitions of `parent`, oldest first. */
export function listDayPartitions<T>(db: Kysely<T>, parent: string): Promise<DayPartition[]> {
  return list(db, parent, DAY);
}

/** Drops the daily partitions of `parent` whose whole day ends before `now - retentionMs`. */
export function dropExpiredPartitions<T>(
  db: Kysely<T>,
  parent: string,
  retentionMs: number,
  now: Date | number = Date.now(),
): Promise<string[]> {
  return dropExpired(db, parent, DAY, retentionMs, now);
}

/** Creates monthly partitions of `parent` for `months` months from the month of `from`. */
export function ensureMonthPartitions<T>(
  db: Kysely<T>,
  parent: string,
  from: Date | number,
  months: number,
): Promise<string[]> {
  return ensure(db, parent, MONTH, from, months);
}

/** Lists the monthly partitions of `parent`, oldest first (`day` is the month's first day). */
export function listMonthPartitions<T>(db: Kysely<T>, parent: string): Promise<DayPartition[]> {
  return list(db, parent, MONTH);
}

/** Drops the monthly partitions of `parent` whose whole month ends before `now - retentionMs`. */
export function dropExpiredMonthPartitions<T>(
  db: Kysely<T>,
  parent: string,
  retentionMs: number,
  now: Date | number = Date.now(),
): Promise<string[]> {
  return dropExpired(db, parent, MONTH, retentionMs, now);
}

/**
 * Remembers which days (or months) already have partitions so hot ingest paths create missing ones
 * only once.
 */
export class PartitionCache {
  #known = new Set<number>();
  constructor(private readonly parent: string, private readonly unit: "day" | "month" = "day") {}

  /** Ensures partitions exist for every day (or month) touched by `timestamps` (ms). */
  async ensure<T>(db: Kysely<T>, timestampsMs: Iterable<number>): Promise<void> {
    const period = this.unit === "day" ? DAY : MONTH;
    const missing = new Set<number>();
    for (const t of timestampsMs) {
      const k = period.start(t, 0).getTime();
      if (!this.#known.has(k)) missing.add(k);
    }
    for (const k of missing) {
      await ensure(db, this.parent, period, k, 1);
      this.#known.add(k);
    }
  }

  /** Forgets everything (after partitions were dropped). */
  clear(): void {
    this.#known.clear();
  }
}
