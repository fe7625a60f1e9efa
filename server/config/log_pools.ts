/**
 * Log pool configuration: name, which applications feed it (name patterns with `*`), level threshold,
 * columns taken from level-0 parameters, retention. Each pool owns a list partition of `request`
 * (`request_lp<id>`), itself partitioned by day.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "@sonde/shared/db";
import type { Problems } from "./validate.ts";

/** A log pool as configured. */
export interface LogPoolDef {
  id?: number;
  name: string;
  applications: string[];
  levelThreshold: number;
  columns: { name: string; parameter: string; type: "int32" | "int64" | "string" }[];
  retentionDays: number;
  isDefault?: boolean;
}

/** Validates a log pool definition. */
export function readLogPool(v: unknown, p: Problems, path = ""): LogPoolDef {
  const o = p.obj(v, path, [
    "id",
    "name",
    "applications",
    "levelThreshold",
    "columns",
    "retentionDays",
    "isDefault",
  ]);
  const at = (k: string) => (path ? `${path}.${k}` : k);
  const apps = o.applications === undefined ? ["*"] : o.applications;
  if (!Array.isArray(apps) || apps.some((a) => typeof a !== "string" || a === "")) {
    p.add(at("applications"), 'must be a list of application names or patterns such as "shop*"', apps);
  }
  const level = o.levelThreshold ?? 50;
  if (typeof level !== "number" || !Number.isInteger(level) || level < 0 || level > 100) {
    p.add(
      at("levelThreshold"),
      "must be a level between 0 and 100 (LOG 0, NORMAL 50, DETAIL 60, DEBUG 70)",
      level,
    );
  }
  const columns: LogPoolDef["columns"] = [];
  if (o.columns !== undefined && !Array.isArray(o.columns)) p.add(at("columns"), "must be a list");
  for (const [i, c] of (Array.isArray(o.columns) ? o.columns : []).entries()) {
    const co = p.obj(c, at(`columns[${i}]`), ["name", "parameter", "type"]);
    const name = p.str(co, "name", at(`columns[${i}]`), { required: true, max: 100 });
    const parameter = p.str(co, "parameter", at(`columns[${i}]`), { required: true, max: 200 });
    const type = co.type ?? "string";
    if (type !== "int32" && type !== "int64" && type !== "string") {
      p.add(at(`columns[${i}].type`), "must be int32, int64 or string", type);
    }
    columns.push({ name, parameter, type: type as "string" });
  }
  const retention = o.retentionDays ?? 30;
  if (typeof retention !== "number" || !Number.isInteger(retention) || retention < 1 || retention > 3650) {
    p.add(at("retentionDays"), "must be a whole number of days between 1 and 3650", retention);
  }
  return {
    id: p.id(o, "id", path) ?? undefined,
    name: p.str(o, "name", path, { required: true, max: 200 }),
    applications: Array.isArray(apps) ? apps.map(String) : ["*"],
    levelThreshold: typeof level === "number" ? level : 50,
    columns,
    retentionDays: typeof retention === "number" ? retention : 30,
    isDefault: o.isDefault === true,
  };
}

/** Reads every log pool. */
export async function listLogPools(db: Kysely<Database>): Promise<LogPoolDef[]> {
  const rows = await sql<{
    id: number;
    name: string;
    app_patterns: string[];
    level: number;
    columns: LogPoolDef["columns"];
    retention_days: number;
    is_default: boolean;
  }>`select id, name, app_patterns, level, columns, retention_days, is_default from log_pool order by id`
    .execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    name: r.name,
    applications: r.app_patterns,
    levelThreshold: r.level,
    columns: r.columns,
    retentionDays: r.retention_days,
    isDefault: r.is_default,
  }));
}

/** Creates the pool's list partition of `request` when missing. */
async function ensurePoolPartition(db: Kysely<Database>, id: number): Promise<void> {
  await sql`create table if not exists ${sql.id(`request_lp${id}`)} partition of request
    for values in (${sql.lit(id)}) partition by range (start_ts)`.execute(db);
}

/** Creates (id undefined) or replaces a log pool; returns its id. */
export async function putLogPool(db: Kysely<Database>, def: LogPoolDef): Promise<number> {
  const cols = JSON.stringify(def.columns);
  const apps = JSON.stringify(def.applications);
  let id = def.id;
  if (id === undefined) {
    const r = await sql<
      { id: number }
    >`insert into log_pool (name, app_patterns, level, columns, retention_days, is_default)
      values (${def.name}, ${apps}::jsonb, ${def.levelThreshold}, ${cols}::jsonb, ${def.retentionDays}, ${
      def.isDefault ?? false
    })
      returning id`.execute(db);
    id = r.rows[0]!.id;
  } else {
    await sql`insert into log_pool (id, name, app_patterns, level, columns, retention_days, is_default)
      values (${id}, ${def.name}, ${apps}::jsonb, ${def.levelThreshold}, ${cols}::jsonb, ${def.retentionDays}, ${
      def.isDefault ?? false
    })
      on conflict (id) do update set name = excluded.name, app_patterns = excluded.app_patterns, level = excluded.level,
        columns = excluded.columns, retention_days = excluded.retention_days, is_default = excluded.is_default`
      .execute(db);
  }
  await ensurePoolPartition(db, id);
  return id;
}

/** Deletes a log pool and its request rows (the default pool cannot be deleted). */
export async function deleteLogPool(db: Kysely<Database>, id: number): Promise<boolean> {
  const r = await sql<{ id: number }>`delete from log_pool where id = ${id} and not is_default returning id`
    .execute(db);
  if (r.rows.length === 0) return false;
  await sql`drop table if exists ${sql.id(`request_lp${id}`)}`.execute(db);
  return true;
}
