/**
 * Log pools as the client sees them.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "@sonde/shared/db";
import type { LogPoolColumn, LogPoolInfo } from "@sonde/shared/api";

function list(v: unknown): unknown[] {
  if (typeof v === "string") {
    try {
      return list(JSON.parse(v));
    } catch {
      return [];
    }
  }
  return Array.isArray(v) ? v : [];
}

function column(v: unknown): LogPoolColumn | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const c = v as Record<string, unknown>;
  if (typeof c.name !== "string" || typeof c.parameter !== "string") return undefined;
  const type: LogPoolColumn["type"] = c.type === "int32"
    ? "int32"
    : c.type === "string" || c.type === undefined
    ? "string"
    : "int64";
  return { name: c.name, parameter: c.parameter, type };
}

/** Every log pool, by name. */
export async function listLogPools(db: Kysely<Database>): Promise<LogPoolInfo[]> {
  const rows = await db.selectFrom("log_pool")
    .select(["id", "name", "app_patterns", "level", "columns", "retention_days"])
    .orderBy("name").execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    columns: list(r.columns).map(column).filter((c): c is LogPoolColumn => c !== undefined),
    applications: list(r.app_patterns).map(String),
    levelThreshold: r.level,
    retentionDays: r.retention_days,
  }));
}
