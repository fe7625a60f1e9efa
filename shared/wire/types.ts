/**
 * Wire types shared by agent, server and worker. Each journal record carries one payload kind; its
 * bytes are UTF-8 JSON of the matching type below (parsers in `parse.ts`).
 * @module
 */

/** Kinds of journal records (the `kind` byte of a record). */
export const RecordKind = {
  /** {@linkcode SampleBatch}: counter samples taken at one moment. */
  Samples: 1,
  /** {@linkcode CheckResult}: one service-check result. */
  Check: 2,
  /** {@linkcode EventBatch}: telemetry events from local applications. */
  Events: 3,
  /** {@linkcode AgentNotice}: agent-side facts (drops, config applied, start). */
  Notice: 4,
} as const;
/** A record kind number. */
export type RecordKind = typeof RecordKind[keyof typeof RecordKind];

/** One counter value. `key` is dotted (`cpu.busy_pct`, `fs./.free_pct`, `net.eth0.rx_bytes_per_s`). */
export interface Sample {
  key: string;
  value: number;
  /** Unit: `%`, `B`, `B/s`, `1/s`, `s`, `ms`, or empty. */
  unit?: string;
}

/** Counter samples taken at one moment (`ts`, ms since epoch). */
export interface SampleBatch {
  ts: number;
  samples: Sample[];
}

/** Service-check states, ordered by severity for roll-ups (UNKNOWN ranks between WARNING and CRITICAL
 * in Nagios; Sonde ranks it as 3 for `worst-of` so a CRITICAL wins). */
export type CheckState = "OK" | "WARNING" | "CRITICAL" | "UNKNOWN";

/** Numeric code of a state as Nagios plugins exit with it. */
export const STATE_CODE: Record<CheckState, number> = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 };

/** One performance-data item (`'label'=value[UOM];warn;crit;min;max`). */
export interface PerfData {
  label: string;
  value: number;
  uom?: string;
  warn?: string;
  crit?: string;
  min?: number;
  max?: number;
}

/** One service-check result. */
export interface CheckResult {
  /** The check's id in the agent configuration. */
  checkId: string;
  ts: number;
  state: CheckState;
  /** First line of output, or the reason for a timeout / crash. */
  message: string;
  durationMs: number;
  perfdata?: PerfData[];
}

/** Telemetry event flags (bit set). */
export const EventFlag = { ENTER: 1, LEAVE: 2, WAIT: 4, WARNING: 8, ERROR: 16, PROCESS_INFO: 32 } as const;

/** Telemetry levels: an event is kept when its level ≤ the threshold wanted. */
export const Level = { LOG: 0, NORMAL: 50, DETAIL: 60, DEBUG: 70 } as const;

/** A typed telemetry parameter. `int64` values travel as decimal strings. */
export type Param =
  | { name: string; type: "int32"; value: number }
  | { name: string; type: "int64"; value: string }
  | { name: string; type: "string"; value: string };

/** Application registration (appName, appId, appTierName, appTierId, extra properties). */
export interface AppRegistration {
  appName: string;
  appId: string;
  appTierName: string;
  appTierId: string;
  properties?: Record<string, string>;
}

/** One telemetry event. */
export interface TelemetryEvent {
  /** Microseconds since epoch. */
  tsUs: number;
  app: AppRegistration;
  pid: number;
  tid: number;
  module: string;
  /** Event id or text. */
  text: string;
  flags: number;
  level: number;
  params?: Param[];
  /** W3C trace id, 32 lowercase hex. */
  requestId: string;
  /** 16 lowercase hex. */
  spanId: string;
  parentSpanId?: string;
}

/**
 * A batch of telemetry events as journaled by the agent. On the wire and in the journal the batch may
 * carry `app`, the registration of every event that has none (the agent writes it once per batch).
 */
export interface EventBatch {
  app?: AppRegistration;
  events: TelemetryEvent[];
}

/**
 * `bytes` without a leading UTF-8 byte-order mark. `TextDecoder` skips one, `JSON.parse` refuses one in
 * stored text: JSON bytes kept as received must drop it to read back as what was parsed.
 */
export function withoutBom(bytes: Uint8Array): Uint8Array {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

/**
 * The JSON of a batch with the application registration written once (`{"app":…,"events":[…]}`):
 * events sharing the first event's registration object leave theirs out (the SDK's batches and each
 * OTLP resource's spans share one), others keep their own. About a quarter fewer bytes to journal, pull
 * and parse than a registration per event; {@linkcode eventsOfBatch} reads it back.
 */
export function compactEventBatch(batch: EventBatch): string {
  const app = batch.events[0]?.app;
  if (!app) return JSON.stringify(batch);
  return JSON.stringify({
    app,
    events: batch.events.map((e) => e.app === app ? { ...e, app: undefined } : e),
  });
}

/**
 * The events of a parsed batch JSON with the batch-level `app` filled in where an event has none (in
 * place), or undefined when `value` has no `events` array. Events are not validated here.
 */
export function eventsOfBatch(value: unknown): TelemetryEvent[] | undefined {
  const b = value as { app?: unknown; events?: unknown } | null;
  if (typeof b !== "object" || b === null || !Array.isArray(b.events)) return undefined;
  const app = b.app;
  if (typeof app === "object" && app !== null) {
    for (const e of b.events as Partial<TelemetryEvent>[]) {
      if (typeof e === "object" && e !== null && e.app === undefined) e.app = app as AppRegistration;
    }
  }
  return b.events as TelemetryEvent[];
}

/** Agent-side facts the server should know. */
export interface AgentNotice {
  ts: number;
  type: "started" | "config_applied" | "dropped";
  detail: Record<string, unknown>;
}
