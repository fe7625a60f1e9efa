/**
 * The contract between the Webservice and the services that answer it: the Server (status, agents,
 * configuration) and the Worker (log pools, requests, statistics, live view). The Webservice depends
 * only on {@linkcode Backend}; the all-in-one mode wires an in-process implementation, the distributed
 * mode one that forwards over mTLS.
 *
 * @example
 * ```ts
 * import type { Backend } from "@sonde/shared/api";
 * async function worstState(backend: Backend): Promise<string> {
 *   return (await backend.statusTree()).root.state;
 * }
 * ```
 * @module
 */
import type { CheckState, TelemetryEvent } from "./types.ts";

/** Service state as shown to users. */
export type State = CheckState;

/** Number of services below a node per state. */
export type StateCounts = Record<State, number>;

/** One node of the status tree: a service group or a service. */
export interface StatusNode {
  /** `"g:12"` for group 12, `"s:34"` for service 34. */
  id: string;
  kind: "group" | "service";
  name: string;
  state: State;
  /** ISO time of the last state change. */
  since: string;
  /** Why the state is what it is (worst check's message). */
  cause?: string;
  /** Services below this node per state (a service counts itself). */
  counts: StateCounts;
  children?: StatusNode[];
}

/** The whole status tree. */
export interface StatusTree {
  /** ISO time the tree was evaluated. */
  generatedAt: string;
  root: StatusNode;
}

/** One check of a service with its last result. */
export interface CheckInfo {
  id: number;
  name: string;
  /** `counter`, `http`, `tcp`, `process`, `filesystem`, `command`, `snmp`, ... */
  type: string;
  state: State;
  message: string;
  /** ISO time of the last run, absent before the first one. */
  lastRunAt?: string;
  intervalMs: number;
  /** Counter key for counter checks (`cpu.busy_pct`). */
  counterKey?: string;
  /** Nagios range of the warning threshold (`80`, `@10:20`). */
  warn?: string;
  /** Nagios range of the critical threshold. */
  crit?: string;
  params: Record<string, unknown>;
}

/** A state change of a service or group. */
export interface StatusEvent {
  /** ISO time. */
  ts: string;
  /** Status node id (`"s:34"`, `"g:12"`). */
  objectId: string;
  objectName: string;
  old: State;
  new: State;
  cause: string;
}

/** A service with its checks and recent state changes. */
export interface ServiceDetail {
  id: number;
  name: string;
  agentId: number;
  agentName: string;
  state: State;
  since: string;
  cause?: string;
  checks: CheckInfo[];
  /** Newest first. */
  events: StatusEvent[];
}

/** Query of {@linkcode Backend.statusEvents}; times are ms since epoch. */
export interface StatusEventQuery {
  from?: number;
  to?: number;
  objectId?: string;
  limit?: number;
}

/** Query of {@linkcode Backend.counterSeries}; times are ms since epoch. */
export interface CounterSeriesQuery {
  agentId: number;
  key: string;
  from: number;
  to: number;
}

/** Values of one counter over time. */
export interface CounterSeries {
  agentId: number;
  key: string;
  unit: string;
  resolution: "raw" | "1m" | "1h";
  /** `[tsMs, value]`, ascending. */
  points: [number, number][];
}

/** A counter an agent reports. */
export interface CounterKey {
  key: string;
  unit: string;
}

/** Reachability of an agent as the Server sees it. */
export type AgentState = "ok" | "unreachable" | "new" | "fingerprint_changed";

/** An agent and its pull status. */
export interface AgentInfo {
  id: number;
  name: string;
  address: string;
  state: AgentState;
  /** ISO time of the last successful pull. */
  lastPullAt?: string;
  /** Records buffered on the agent not yet pulled. */
  lagRecords: number;
  /** Age of the oldest unpulled record. */
  lagSeconds: number;
  version: string;
  /** Trusted server-certificate fingerprint (`AB:CD:...`). */
  fingerprint?: string;
  /** The changed fingerprint presented, waiting for an operator to accept it. */
  pendingFingerprint?: string;
  configVersion: number;
}

/** Kinds of configuration objects. */
export type ConfigKind = "agent" | "group" | "service" | "check" | "logPool" | "settings";

/** Server settings. */
export interface ServerSettings {
  name: string;
  url: string;
  timeZone: string;
  /** Retention of counter samples, request rows and raw telemetry in days. */
  retentionDays: { counters: number; requests: number; telemetry: number };
}

/** The whole configuration as code; objects carry their `id`. */
export interface ConfigDocument {
  agents: Record<string, unknown>[];
  groups: Record<string, unknown>[];
  /** Services with their `checks`. */
  services: Record<string, unknown>[];
  logPools: Record<string, unknown>[];
  settings: ServerSettings;
}

/** A column of a log pool, taken from a level-0 parameter. */
export interface LogPoolColumn {
  name: string;
  parameter: string;
  type: "int32" | "int64" | "string";
}

/** A log pool. */
export interface LogPoolInfo {
  id: number;
  name: string;
  columns: LogPoolColumn[];
  /** Application names that feed the pool. */
  applications: string[];
  levelThreshold: number;
  retentionDays: number;
}

/** Request status. */
export type RequestStatus = "ok" | "warning" | "error";

/** One row of a request list. */
export interface RequestRow {
  requestId: string;
  /** Start, µs since epoch. */
  startTs: number;
  durationUs: number;
  status: RequestStatus;
  agents: string[];
  applications: string[];
  /** Log-pool column values by column name. */
  columns: Record<string, string | number>;
}

/** Query of {@linkcode Backend.requests}; times are ms since epoch. */
export interface RequestQuery {
  pool: number;
  from: number;
  to: number;
  /** Full-text search over texts and parameters. */
  q?: string;
  status?: RequestStatus;
  minDurationUs?: number;
  agent?: string;
  app?: string;
  /** Column filters: column name → exact value. */
  columns?: Record<string, string>;
  sort?: "start" | "-start" | "duration" | "-duration";
  cursor?: string;
  limit: number;
}

/** A page of requests. */
export interface RequestPage {
  rows: RequestRow[];
  nextCursor?: string;
}

/** A telemetry event with the agent that delivered it. */
export interface RequestEvent extends TelemetryEvent {
  agent: string;
}

/** A span of the waterfall: ENTER to LEAVE of one span id. */
export interface SpanNode {
  spanId: string;
  parentSpanId?: string;
  app: string;
  pid: number;
  tid: number;
  module: string;
  text: string;
  startUs: number;
  durationUs: number;
  status: RequestStatus;
  children: SpanNode[];
}

/** One request with every event. */
export interface RequestDetail {
  row: RequestRow;
  /** Ascending by time. */
  events: RequestEvent[];
  tree?: SpanNode[];
}

/** Query of {@linkcode Backend.statistics}; times are ms since epoch. */
export interface StatisticsQuery {
  pool: number;
  from: number;
  to: number;
  bucketMs: number;
  /** Group by `app`, `agent`, `status` or a column name. */
  groupBy?: string;
}

/** One time bucket of statistics. */
export interface StatisticsBucket {
  /** Bucket start, ms since epoch. */
  ts: number;
  count: number;
  /** 0..1 */
  errorRate: number;
  p50Us: number;
  p95Us: number;
  p99Us: number;
}

/** Request statistics of a pool. */
export interface Statistics {
  buckets: StatisticsBucket[];
  topSlow: RequestRow[];
  groups: { key: string; count: number; errorRate: number; p95Us: number }[];
}

/** A recording session: while it runs, agents forward events up to `level` for matching requests. */
export interface RecordingSession {
  id: string;
  /** Only requests of this application (all when absent). */
  appName?: string;
  /** Only requests whose columns, parameters or texts contain this value (all when absent). */
  filter?: string;
  level: number;
  description: string;
  /** ISO times. */
  startedAt: string;
  /** When the session ends by itself. */
  untilAt: string;
  stoppedAt?: string;
  state: "running" | "stopped";
  /** Requests recorded (known once stopped). */
  requestCount: number;
  /** Created by {@linkcode Backend.importSession}. */
  imported: boolean;
}

/** Input of {@linkcode Backend.startSession}. */
export interface StartSessionInput {
  appName?: string;
  filter?: string;
  /** Level up to which events are forwarded (DETAIL 60, DEBUG 70). */
  level: number;
  description?: string;
  /** Ends by itself after this long (default 1 h). */
  durationMs?: number;
}

/**
 * Everything the Webservice asks of the rest of Sonde. Implementations throw
 * `ValidationError` (with field paths in `problems`, e.g. `checks[0].params.url: must be an http(s) URL`)
 * and `NotFoundError` from `@sonde/shared/errors`.
 */
export interface Backend {
  statusTree(): Promise<StatusTree>;
  service(id: number): Promise<ServiceDetail>;
  statusEvents(q: StatusEventQuery): Promise<StatusEvent[]>;
  counterSeries(q: CounterSeriesQuery): Promise<CounterSeries>;
  counterKeys(agentId: number): Promise<CounterKey[]>;
  agents(): Promise<AgentInfo[]>;
  acceptAgentFingerprint(agentId: number): Promise<void>;
  getConfig(): Promise<ConfigDocument>;
  /** Creates (`id` null) or replaces an object; returns the stored object. */
  putConfigObject(kind: ConfigKind, id: number | null, body: unknown): Promise<unknown>;
  deleteConfigObject(kind: ConfigKind, id: number): Promise<void>;
  importConfig(doc: unknown): Promise<void>;
  logPools(): Promise<LogPoolInfo[]>;
  requests(q: RequestQuery): Promise<RequestPage>;
  request(pool: number, requestId: string): Promise<RequestDetail>;
  statistics(q: StatisticsQuery): Promise<Statistics>;
  /** Calls `onRequest` for each new request of `pool` (all pools when null); returns unsubscribe. */
  live(pool: number | null, onRequest: (row: RequestRow) => void): () => void;
  /** Takes a batch of browser telemetry (SDK format). */
  browserTelemetry(body: unknown): Promise<{ accepted: number }>;
  /** Recording sessions, newest first (Worker). */
  sessions?(): Promise<RecordingSession[]>;
  startSession?(input: StartSessionInput): Promise<RecordingSession>;
  stopSession?(id: string): Promise<RecordingSession>;
  /** One JSON-lines file: the session, then one line per request with its events. */
  exportSession?(id: string): Promise<string>;
  /** Re-creates an exported session (new id) holding the same requests and events. */
  importSession?(body: string): Promise<RecordingSession>;
  /** The session's requests like a request list, oldest first. */
  sessionRequests?(id: string, cursor?: string, limit?: number): Promise<RequestPage>;
  sessionRequest?(id: string, requestId: string): Promise<RequestDetail>;
}
