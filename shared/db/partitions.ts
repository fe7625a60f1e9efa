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

/**
 * Remembers which days already have partitions so hot ingest paths create missing ones only once.
 */
export class PartitionCache {
  #known = new Set<string>();
  constructor(private readonly parent: string) {}

  /** Ensures partitions exist for every day touched by `timestamps` (ms). */
  async ensure<T>(db: Kysely<T>, timestampsMs: Iterable<number>): Promise<void> {
    const missing = new Set<number>();
    for (const t of timestampsMs) {
      const d = Math.floor(t / DAY_MS);
      if (!this.#known.has(String(d))) missing.add(d);
    }
    for (const d of missing) {
      await ensureDayPartitions(db, this.parent, d * DAY_MS, 1);
      this.#known.add(String(d));
    }
  }

  /** Forgets everything (after partitions were dropped). */
  clear(): void {
    this.#known.clear();
  }
}
