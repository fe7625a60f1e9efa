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
  app_user: AppUserTable;
  user_session: UserSessionTable;
}

/** A user of the web client; `role` is admin, operator or viewer; no password for proxy-authenticated users. */
export interface AppUserTable {
  id: Generated<number>;
  name: string;
  role: string;
  password_hash: string | null;
  disabled: Generated<boolean>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

/** A web session; `id` is the SHA-256 (hex) of the cookie token, never the token itself. */
export interface UserSessionTable {
  id: string;
  user_id: number;
  created_at: Generated<Timestamp>;
  last_seen_at: Generated<Timestamp>;
  expires_at: Timestamp;
  remote: Generated<string>;
}
