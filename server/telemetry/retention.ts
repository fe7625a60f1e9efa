/**
 * Retention of telemetry: each log pool drops its whole day partitions older than its retention; day
 * folders of segment files go when older than the longest retention of any pool.
 * @module
 */
import type { Kysely } from "kysely";
import { type Database, dropExpiredPartitions } from "@sonde/shared/db";
import { loadLogPools, poolTable } from "./log_pools.ts";

const DAY_MS = 86_400_000;

/** Drops expired partitions and day folders; returns what was removed. */
export async function applyRetention(
  db: Kysely<Database>,
  dataDir: string,
  now = Date.now(),
): Promise<{ partitions: string[]; folders: string[] }> {
  const pools = await loadLogPools(db);
  const partitions: string[] = [];
  for (const p of pools) {
    partitions.push(...await dropExpiredPartitions(db, poolTable(p.id), p.retentionDays * DAY_MS, now));
  }
  const longest = Math.max(1, ...pools.map((p) => p.retentionDays));
  const cutoff = now - longest * DAY_MS;
  const folders: string[] = [];
  try {
    for await (const e of Deno.readDir(`${dataDir}/telemetry`)) {
      if (!e.isDirectory || !/^\d{4}-\d{2}-\d{2}$/.test(e.name)) continue;
      if (Date.parse(`${e.name}T00:00:00Z`) + DAY_MS <= cutoff) {
        await Deno.remove(`${dataDir}/telemetry/${e.name}`, { recursive: true });
        folders.push(e.name);
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return { partitions, folders };
}
