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

/** Every table of the store. */
export interface Database {
  setting: SettingTable;
  agent: AgentTable;
  counter: CounterTable;
  counter_block: CounterBlockTable;
  counter_rollup_1m: CounterRollupTable;
  counter_rollup_1h: CounterRollupTable;
  check_result: CheckResultTable;
  check_state: CheckStateTable;
  service_group: ServiceGroupTable;
  service: ServiceTable;
  service_check: ServiceCheckTable;
  object_status: ObjectStatusTable;
  status_event: StatusEventTable;
  server_lease: ServerLeaseTable;
  ingest_batch: IngestBatchTable;
  app_user: AppUserTable;
  user_session: UserSessionTable;
  log_pool: LogPoolTable;
  request: RequestTable;
  telemetry_pending: TelemetryPendingTable;
  recording_session: RecordingSessionTable;
  session_request: SessionRequestTable;
  request_stat_10m: RequestStat10mTable;
  notification_channel: NotificationChannelTable;
  notification_rule: NotificationRuleTable;
  maintenance_window: MaintenanceWindowTable;
  notification_memo: NotificationMemoTable;
  notification_outbox: NotificationOutboxTable;
}

/** A monitored agent, its pinned certificate fingerprint and its pull cursor (`acked_seq`). */
export interface AgentTable {
  id: Generated<number>;
  name: string;
  address: string;
  fingerprint: string | null;
  pending_fingerprint: string | null;
  state: Generated<string>;
  hostname: string | null;
  version: string | null;
  acked_seq: Generated<number>;
  agent_last_seq: Generated<number>;
  buffer_bytes: Generated<number>;
  oldest_age_s: Generated<number>;
  dropped_records: Generated<number>;
  config_version: Generated<number>;
  last_pull_at: Timestamp | null;
  last_ok_at: Timestamp | null;
  last_error: string | null;
  failures: Generated<number>;
  created_at: Generated<Timestamp>;
}

/** A counter series of one agent (`cpu.busy_pct`); distribution column `agent_id`. */
export interface CounterTable {
  agent_id: number;
  id: Generated<number>;
  key: string;
  unit: Generated<string>;
}

/** Samples of one series from one pull: parallel arrays of times (ms) and values; partitioned by day. */
export interface CounterBlockTable {
  agent_id: number;
  counter_id: number;
  block_start: Timestamp;
  block_end: Timestamp;
  ts_ms: number[];
  vals: number[];
}

/** Aggregates of one series per bucket (1 minute or 1 hour). */
export interface CounterRollupTable {
  agent_id: number;
  counter_id: number;
  bucket: Timestamp;
  n: number;
  sum: number;
  min: number;
  max: number;
  last: number;
  last_ts: Timestamp;
}

/** Every check result; partitioned by day on `ts`; distribution column `agent_id`. */
export interface CheckResultTable {
  agent_id: number;
  check_id: string;
  ts: Timestamp;
  state: string;
  message: string;
  duration_ms: number;
  perfdata: unknown;
}

/** The latest result of each check. */
export interface CheckStateTable extends CheckResultTable {}

/** A service group; `rule` says how its state rolls up (`{"type":"worst"}` or a percentage rule). */
export interface ServiceGroupTable {
  id: Generated<number>;
  name: string;
  parent_id: number | null;
  description: Generated<string>;
  rule: ColumnType<unknown, string | undefined, string>;
  auto_key: string | null;
}

/** A service bound to one agent. */
export interface ServiceTable {
  id: Generated<number>;
  name: string;
  agent_id: number | null;
  group_id: number | null;
  description: Generated<string>;
  auto_key: string | null;
}

/** A check of a service, run by the service's agent as check `c<id>`. */
export interface ServiceCheckTable {
  id: Generated<number>;
  service_id: number;
  name: string;
  type: string;
  interval_ms: number;
  timeout_ms: number;
  params: ColumnType<unknown, string, string>;
  enabled: Generated<boolean>;
}

/** Current state of a service (`s:<id>`) or group (`g:<id>`). */
export interface ObjectStatusTable {
  object_id: string;
  state: string;
  since: Timestamp;
  cause: Generated<string>;
}

/** A status change, offered to notification. */
export interface StatusEventTable {
  id: Generated<number>;
  ts: Timestamp;
  object_id: string;
  object_name: string;
  old_state: string;
  new_state: string;
  cause: string;
  notified: Generated<boolean>;
}

/** One stored page of an agent's records (audit trail of the pull); partitioned by day. */
export interface IngestBatchTable {
  agent_id: number;
  first_seq: number;
  last_seq: number;
  records: number;
  stored_at: Timestamp;
  holder: Generated<string>;
}

/** The pull lease: exactly one live server holds `name = 'pull'`. */
export interface ServerLeaseTable {
  name: string;
  holder: string;
  expires_at: Timestamp;
  epoch: Generated<number>;
}

/** A timestamp column with a database default (`now()`). */
export type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** A user of the web client; `role` is admin, operator or viewer; no password for proxy-authenticated users. */
export interface AppUserTable {
  id: Generated<number>;
  name: string;
  role: string;
  password_hash: string | null;
  disabled: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/** A web session; `id` is the SHA-256 (hex) of the cookie token, never the token itself. */
export interface UserSessionTable {
  id: string;
  user_id: number;
  created_at: DefaultTimestamp;
  last_seen_at: DefaultTimestamp;
  expires_at: Timestamp;
  remote: Generated<string>;
}

/** A log pool: which applications feed it (appName glob patterns), level, columns, retention. */
export interface LogPoolTable {
  id: Generated<number>;
  name: string;
  /** JSON array of appName glob patterns (`*`, `?`). */
  app_patterns: ColumnType<unknown, string | undefined, string>;
  level: Generated<number>;
  /** JSON array of `{name, parameter, type: "int" | "string"}`. */
  columns: ColumnType<unknown, string | undefined, string>;
  retention_days: Generated<number>;
  is_default: Generated<boolean>;
  created_at: DefaultTimestamp;
}

/** One assembled request in one log pool; list-partitioned by pool, then by day on `start_ts`;
 * distribution column `request_id`. */
export interface RequestTable {
  log_pool_id: number;
  start_ts: Timestamp;
  request_id: string;
  name: string;
  duration_us: number;
  /** ok, warning, error or incomplete. */
  status: string;
  event_count: number;
  /** JSON array of agent ids. */
  agents: ColumnType<unknown, string, string>;
  /** JSON array of `"appName appId"`. */
  applications: ColumnType<unknown, string, string>;
  /** JSON array of `"appName appId/appTierName/appTierId"`. */
  tiers: ColumnType<unknown, string, string>;
  /** JSON object: column name → value from level-0 parameters. */
  columns: ColumnType<unknown, string, string>;
  /** Segment file relative to `<data>/telemetry` (`2026-11-26/segment-000001.log`). */
  file: string;
  file_offset: number;
  file_length: number;
}

/** Pulled batches of raw events not yet fully assembled (one row per pulled batch; transient, not
 * distributed). */
export interface TelemetryPendingTable {
  id: Generated<number>;
  agent_id: number;
  /** The batch as `{"events":[TelemetryEvent...]}` JSON. */
  events: string;
  created_at: DefaultTimestamp;
}

/** A recording session of the Worker (`request_count` and `truncated` are set when it stops). */
export interface RecordingSessionTable {
  id: string;
  app_name: string | null;
  filter: string | null;
  level: number;
  description: Generated<string>;
  started_at: Timestamp;
  until_at: Timestamp;
  stopped_at: Timestamp | null;
  request_count: Generated<number>;
  /** Matching requests left out because the session was full. */
  truncated: Generated<number>;
  imported: Generated<boolean>;
}

/** A request captured by a recording session: its list row and its events (JSON). */
export interface SessionRequestTable {
  session_id: string;
  seq: number;
  request_id: string;
  row_json: ColumnType<unknown, string, string>;
  events_json: string;
}

/** Where notifications go: `type` names a channel (`webhook`, `smtp`, `command`), `settings` its options. */
export interface NotificationChannelTable {
  id: Generated<number>;
  name: string;
  type: string;
  settings: ColumnType<unknown, string, string>;
  enabled: Generated<boolean>;
}

/** Which status changes of which objects reach a channel, after how long, repeated how often. */
export interface NotificationRuleTable {
  id: Generated<number>;
  name: string;
  channel_id: number;
  /** JSON array of `s:<id>` / `g:<id>`; null matches every object. */
  object_ids: ColumnType<string[] | null, string | null, string | null>;
  /** Glob (`*`, `?`) over the object name; null matches every name. */
  name_pattern: string | null;
  /** `any`, `problem`, `recovery` or a state name (`CRITICAL`) meaning "changed to". */
  transitions: ColumnType<string[], string | undefined, string>;
  delay_ms: Generated<number>;
  /** 0: never repeat. */
  repeat_ms: Generated<number>;
  enabled: Generated<boolean>;
}

/** A time span during which rules stay silent for the matching objects. */
export interface MaintenanceWindowTable {
  id: Generated<number>;
  name: Generated<string>;
  /** null: every rule. */
  rule_id: number | null;
  /** JSON array of object ids; null: every object. */
  object_ids: ColumnType<string[] | null, string | null, string | null>;
  name_pattern: string | null;
  starts_at: Timestamp;
  ends_at: Timestamp;
}

/** What a rule last told its recipients about an object (state, when, how many repeats). */
export interface NotificationMemoTable {
  rule_id: number;
  object_id: string;
  /** The state the recipients last heard of (or assumed before the first notification). */
  state: string;
  /** The last event decided for this rule and object (events are decided in id order). */
  event_id: number;
  /** The last event actually enqueued, and when. */
  sent_event_id: number | null;
  sent_at: Timestamp | null;
  repeats: Generated<number>;
}

/** The persistent outbox: one message for one channel, delivered with retries. */
export interface NotificationOutboxTable {
  id: Generated<number>;
  event_id: number;
  channel_id: number;
  /** Unique: `<event>:<channel>:<repeat>`; makes enqueueing exactly-once. */
  dedupe_key: string;
  payload: ColumnType<unknown, string, string>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  /** `pending`, `sent` or `failed`. */
  state: Generated<string>;
  last_error: string | null;
  created_at: DefaultTimestamp;
  sent_at: Timestamp | null;
}

/** Statistics rollup kept by a trigger on `request`: requests and errors per pool, 10-minute slot and
 * 2 % duration bin (`floor(ln(µs) * 50)`). */
export interface RequestStat10mTable {
  log_pool_id: number;
  slot: Timestamp;
  bin: number;
  n: number;
  errors: number;
}
