/**
 * Log pools: a named stream of request rows fed by applications whose `appName` matches one of the
 * pool's glob patterns, with a level threshold, typed columns taken from level-0 parameters, and a
 * retention in days. The default pool (`is_default`) takes every request no other pool matched.
 * Each pool's rows live in its own partition `request_lp<id>` of `request`, split by day.
 * @module
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "@sonde/shared/db";
import type { TelemetryEvent } from "@sonde/shared/wire/telemetry";

/** A column of a log pool: `name` in the row, taken from the level-0 parameter `parameter`. */
export interface LogPoolColumn {
  name: string;
  parameter: string;
  type: "int" | "string";
}

/** A log pool definition. */
export interface LogPool {
  id: number;
  name: string;
  appPatterns: string[];
  level: number;
  columns: LogPoolColumn[];
  retentionDays: number;
  isDefault: boolean;
}

/** What {@linkcode createLogPool} needs. */
export type LogPoolInput = Omit<LogPool, "id" | "isDefault">;

/**
 * A JSON value for a `jsonb` column, sent as text and cast in SQL, so every driver stores the value
 * itself (not a JSON string of it).
 */
export function jsonb(value: unknown): RawBuilder<string> {
  return sql<string>`cast(${JSON.stringify(value)}::text as jsonb)`;
}

/** Name of the partition holding a pool's rows. */
export function poolTable(poolId: number): string {
  if (!Number.isInteger(poolId) || poolId < 1) throw new RangeError(`Invalid log pool id ${poolId}`);
  return `request_lp${poolId}`;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

/** Loads every log pool. */
export async function loadLogPools(db: Kysely<Database>): Promise<LogPool[]> {
  const rows = await db.selectFrom("log_pool").selectAll().orderBy("id").execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    appPatterns: r.app_patterns as string[],
    level: r.level,
    columns: r.columns as LogPoolColumn[],
    retentionDays: r.retention_days,
    isDefault: r.is_default,
  }));
}

/** Creates a log pool and its partition; returns it. */
export async function createLogPool(db: Kysely<Database>, input: LogPoolInput): Promise<LogPool> {
  const row = await db.insertInto("log_pool").values({
    name: input.name,
    app_patterns: jsonb(input.appPatterns),
    level: input.level,
    columns: jsonb(input.columns),
    retention_days: input.retentionDays,
  }).returning("id").executeTakeFirstOrThrow();
  await sql`create table if not exists ${sql.id(poolTable(row.id))} partition of request
    for values in (${sql.lit(row.id)}) partition by range (start_ts)`.execute(db);
  return { ...input, id: row.id, isDefault: false };
}

/** Routes requests to pools by application name. */
export class PoolRouter {
  readonly #matchers: { pool: LogPool; res: RegExp[] }[];
  readonly #fallback: LogPool[];

  constructor(readonly pools: LogPool[]) {
    this.#matchers = pools.filter((p) => !p.isDefault).map((pool) => ({
      pool,
      res: pool.appPatterns.map(globToRegExp),
    }));
    this.#fallback = pools.filter((p) => p.isDefault);
  }

  /** The pools a request of these application names goes to (default pool when none matched). */
  route(appNames: Iterable<string>): LogPool[] {
    const names = [...appNames];
    const out = this.#matchers.filter((m) => names.some((n) => m.res.some((re) => re.test(n)))).map((m) =>
      m.pool
    );
    return out.length > 0 ? out : this.#fallback;
  }

  /** Highest level any pool wants for an application (what an agent should forward). */
  levelFor(appName: string): number {
    const pools = this.route([appName]);
    return pools.reduce((max, p) => Math.max(max, p.level), 0);
  }
}

const MAX_DEFAULT_COLUMNS = 32;

/**
 * Column values of a request for `pool`: each column from the first level-0 event carrying its
 * parameter; a pool without columns keeps every level-0 parameter (first value of each name, at most 32).
 */
export function columnsFor(pool: LogPool, events: TelemetryEvent[]): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (pool.columns.length === 0) {
    let n = 0;
    for (const e of events) {
      if (e.level !== 0 || !e.params) continue;
      for (const p of e.params) {
        if (p.name in out) continue;
        if (n++ >= MAX_DEFAULT_COLUMNS) return out;
        out[p.name] = p.value;
      }
    }
    return out;
  }
  for (const c of pool.columns) {
    for (const e of events) {
      const p = e.level === 0 ? e.params?.find((x) => x.name === c.parameter) : undefined;
      if (!p) continue;
      const n = Number(p.value);
      out[c.name] = c.type === "int" ? (Number.isSafeInteger(n) ? n : String(p.value)) : String(p.value);
      break;
    }
  }
  return out;
}
