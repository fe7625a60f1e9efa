/**
 * Retention and partition upkeep: daily partitions are created a few days ahead, expired ones dropped
 * per class (raw counters, 1-minute and 1-hour rollups, check results). Never a bulk DELETE.
 * @module
 */
import type { Kysely } from "kysely";
import {
  type Database,
  dropExpiredMonthPartitions,
  dropExpiredPartitions,
  ensureDayPartitions,
  ensureMonthPartitions,
} from "@sonde/shared/db";
import type { SettingsDef } from "../config/validate.ts";

const DAY = 86_400_000;

/** Creates partitions ahead and drops expired ones; returns the names dropped. */
export async function maintainPartitions(
  db: Kysely<Database>,
  settings: SettingsDef,
  now = Date.now(),
): Promise<string[]> {
  const r = settings.retentionDays;
  await ensureDayPartitions(db, "counter_block", now - DAY, 4);
  await ensureDayPartitions(db, "counter_rollup_1m", now - DAY, 4);
  await ensureDayPartitions(db, "check_result", now - DAY, 4);
  await ensureDayPartitions(db, "ingest_batch", now - DAY, 4);
  await ensureMonthPartitions(db, "counter_rollup_1h", now, 2);
  return [
    ...await dropExpiredPartitions(db, "counter_block", r.counters * DAY, now),
    ...await dropExpiredPartitions(db, "check_result", r.counters * DAY, now),
    ...await dropExpiredPartitions(db, "ingest_batch", r.counters * DAY, now),
    ...await dropExpiredPartitions(db, "counter_rollup_1m", r.counters1m * DAY, now),
    ...await dropExpiredMonthPartitions(db, "counter_rollup_1h", r.counters1h * DAY, now),
  ];
}
