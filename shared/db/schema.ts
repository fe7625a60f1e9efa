/**
 * The typed shape of Sonde's database, one interface per table. Migrations in `migrations/` create
 * exactly these tables; `docs/ARCHITECTURE.md` names the distribution column of each high-volume table.
 * @module
 */
import type { ColumnType, Generated } from "kysely";

/** Timestamps are written as `Date` or ISO strings and read as `Date`. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Key/value server settings (name, URL, time zone, retention, ...). */
export interface SettingTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: Generated<Timestamp>;
}

/** Raw counter samples, one row per sample; partitioned by day on `ts`; distribution column `agent_id`. */
export interface CounterSampleTable {
  agent_id: number;
  counter_id: number;
  ts: Timestamp;
  value: number;
}

/** Every table of the store. */
export interface Database {
  setting: SettingTable;
  counter_sample: CounterSampleTable;
}
