/**
 * Sonde's store: Kysely over PostgreSQL (postgres.js) or PGlite, migrations, daily partitions and a
 * bulk COPY path.
 * @module
 */
export { type Engine, openStore, type Store, type StoreOptions } from "./store.ts";
export type * from "./schema.ts";
export { type BinaryColumnType, type BinaryValue, copyBinary, copyRows, encodeCopyText } from "./drivers.ts";
export { migrateDown, migrateToLatest, migrateToZero } from "./migrate.ts";
export {
  dayKey,
  dayStart,
  dropExpiredMonthPartitions,
  dropExpiredPartitions,
  ensureDayPartitions,
  ensureMonthPartitions,
  listDayPartitions,
  listMonthPartitions,
  monthStart,
  PartitionCache,
} from "./partitions.ts";
export { getSetting, installation, putSetting } from "./settings.ts";
