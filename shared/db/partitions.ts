/**
 * Daily partitions: created ahead of time and dropped when expired. Retention never runs a bulk
 * `DELETE`; a whole day goes with `DROP TABLE`.
 *
 * Partition names are `<parent>_pYYYYMMDD`, ranges are `[day 00:00 UTC, next day 00:00 UTC)`.
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

function partitionName(parent: string, day: Date): string {
  return `${parent}_p${dayKey(day)}`;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

function checkIdent(name: string): void {
  if (!IDENT.test(name)) throw new RangeError(`Invalid table name "${name}"`);
}

/**
 * Creates the daily partitions of `parent` covering `[from, from + days)`; existing ones are kept.
 * Returns the names created.
 */
export async function ensureDayPartitions<T>(
  db: Kysely<T>,
  parent: string,
  from: Date | number,
  days: number,
): Promise<string[]> {
  checkIdent(parent);
  const existing = new Set((await listDayPartitions(db, parent)).map((p) => p.name));
  const created: string[] = [];
  const first = dayStart(from).getTime();
  for (let i = 0; i < days; i++) {
    const start = new Date(first + i * DAY_MS);
    const name = partitionName(parent, start);
    if (existing.has(name)) continue;
    const end = new Date(start.getTime() + DAY_MS);
    await sql`create table if not exists ${sql.id(name)} partition of ${sql.id(parent)}
      for values from (${sql.lit(start.toISOString())}) to (${sql.lit(end.toISOString())})`.execute(db);
    created.push(name);
  }
  return created;
}

/** One daily partition. */
export interface DayPartition {
  name: string;
  day: Date;
}

/** Lists the daily partitions of `parent`, oldest first. */
export async function listDayPartitions<T>(db: Kysely<T>, parent: string): Promise<DayPartition[]> {
  checkIdent(parent);
  const rows = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = ${parent}`.execute(db);
  const out: DayPartition[] = [];
  const re = new RegExp(`^${parent}_p(\\d{4})(\\d{2})(\\d{2})$`);
  for (const { name } of rows.rows) {
    const m = re.exec(name);
    if (m) out.push({ name, day: new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`) });
  }
  return out.sort((a, b) => a.day.getTime() - b.day.getTime());
}

/**
 * Drops the daily partitions of `parent` whose whole day ends before `now - retentionMs`.
 * Returns the names dropped.
 */
export async function dropExpiredPartitions<T>(
  db: Kysely<T>,
  parent: string,
  retentionMs: number,
  now: Date | number = Date.now(),
): Promise<string[]> {
  const cutoff = (typeof now === "number" ? now : now.getTime()) - retentionMs;
  const dropped: string[] = [];
  for (const p of await listDayPartitions(db, parent)) {
    if (p.day.getTime() + DAY_MS <= cutoff) {
      await sql`drop table if exists ${sql.id(p.name)}`.execute(db);
      dropped.push(p.name);
    }
  }
  return dropped;
}

/** Start of the UTC month containing `t`. */
export function monthStart(t: Date | number): Date {
  const d = new Date(typeof t === "number" ? t : t.getTime());
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

/**
 * Creates monthly partitions (`<parent>_mYYYYMM`) of `parent` covering `months` months from the month
 * of `from`; used for long-retention tables (1-hour rollups). Returns the names created.
 */
export async function ensureMonthPartitions<T>(
  db: Kysely<T>,
  parent: string,
  from: Date | number,
  months: number,
): Promise<string[]> {
  checkIdent(parent);
  const existing = new Set((await listMonthPartitions(db, parent)).map((p) => p.name));
  const created: string[] = [];
  const first = monthStart(from);
  for (let i = 0; i < months; i++) {
    const start = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + i, 1));
    const end = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + i + 1, 1));
    const name = `${parent}_m${start.toISOString().slice(0, 7).replace("-", "")}`;
    if (existing.has(name)) continue;
    await sql`create table if not exists ${sql.id(name)} partition of ${sql.id(parent)}
      for values from (${sql.lit(start.toISOString())}) to (${sql.lit(end.toISOString())})`.execute(db);
    created.push(name);
  }
  return created;
}

/** Lists the monthly partitions of `parent`, oldest first (`day` is the month's first day). */
export async function listMonthPartitions<T>(db: Kysely<T>, parent: string): Promise<DayPartition[]> {
  checkIdent(parent);
  const rows = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = ${parent}`.execute(db);
  const re = new RegExp(`^${parent}_m(\\d{4})(\\d{2})$`);
  const out: DayPartition[] = [];
  for (const { name } of rows.rows) {
    const m = re.exec(name);
    if (m) out.push({ name, day: new Date(`${m[1]}-${m[2]}-01T00:00:00Z`) });
  }
  return out.sort((a, b) => a.day.getTime() - b.day.getTime());
}

/** Drops the monthly partitions of `parent` whose whole month ends before `now - retentionMs`. */
export async function dropExpiredMonthPartitions<T>(
  db: Kysely<T>,
  parent: string,
  retentionMs: number,
  now: Date | number = Date.now(),
): Promise<string[]> {
  const cutoff = (typeof now === "number" ? now : now.getTime()) - retentionMs;
  const dropped: string[] = [];
  for (const p of await listMonthPartitions(db, parent)) {
    const end = Date.UTC(p.day.getUTCFullYear(), p.day.getUTCMonth() + 1, 1);
    if (end <= cutoff) {
      await sql`drop table if exists ${sql.id(p.name)}`.execute(db);
      dropped.push(p.name);
    }
  }
  return dropped;
}

/**
 * Remembers which days already have partitions so hot ingest paths create missing ones only once.
 */
export class PartitionCache {
  #known = new Set<number>();
  constructor(private readonly parent: string, private readonly unit: "day" | "month" = "day") {}

  /** Ensures partitions exist for every day (or month) touched by `timestamps` (ms). */
  async ensure<T>(db: Kysely<T>, timestampsMs: Iterable<number>): Promise<void> {
    const missing = new Set<number>();
    for (const t of timestampsMs) {
      const k = this.unit === "day" ? Math.floor(t / DAY_MS) * DAY_MS : monthStart(t).getTime();
      if (!this.#known.has(k)) missing.add(k);
    }
    for (const k of missing) {
      if (this.unit === "day") await ensureDayPartitions(db, this.parent, k, 1);
      else await ensureMonthPartitions(db, this.parent, k, 1);
      this.#known.add(k);
    }
  }

  /** Forgets everything (after partitions were dropped). */
  clear(): void {
    this.#known.clear();
  }
}
