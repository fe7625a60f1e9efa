/**
 * Parsers for the telemetry wire types ({@linkcode TelemetryEvent}, {@linkcode EventBatch},
 * {@linkcode AppRegistration}, {@linkcode Param}). Every parser takes untrusted JSON values and either
 * returns a well-typed value or throws a `TypeError` whose message names the path and the value:
 * `Cannot parse event batch: "events[3].flags" must be an integer from 0 to 63: current value is "x"`.
 *
 * @example
 * ```ts
 * import { parseEventBatch } from "@sonde/shared/wire/telemetry";
 * const batch = parseEventBatch(JSON.parse(body));
 * console.log(batch.events.length);
 * ```
 * @module
 */
import type { AppRegistration, EventBatch, Param, TelemetryEvent } from "./types.ts";

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const MAX_TEXT = 65_536;
const ZERO_TRACE_ID = "0".repeat(32);

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  if (v === undefined) return "undefined";
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 40 ? s.slice(0, 40) + "…" : s;
  } catch {
    return String(v);
  }
}

function fail(what: string, path: string, rule: string, value: unknown): never {
  throw new TypeError(`Cannot parse ${what}: "${path}" ${rule}: current value is ${show(value)}`);
}

function obj(what: string, path: string, v: unknown): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(what, path, "must be an object", v);
  return v as Record<string, unknown>;
}

/**
 * Set when a parser changed an accepted value or left something of it out (see
 * {@linkcode parseEventBatchExact}).
 */
let normalized = false;

/** Notes an object with more own keys than the `known` ones the parser read (they would be dropped). */
function noteExtraKeys(o: Record<string, unknown>, known: number): void {
  let n = 0;
  for (const _ in o) n++;
  if (n !== known) normalized = true;
}

function str(what: string, path: string, field: string, v: unknown, max = MAX_TEXT): string {
  if (typeof v !== "string" || v.length > max) {
    fail(what, field ? `${path}.${field}` : path, `must be a string of at most ${max} chars`, v);
  }
  // PostgreSQL text and jsonb refuse NUL and lone surrogates: make every accepted string storable
  if (!v.includes("\0") && v.isWellFormed()) return v;
  normalized = true;
  return v.replaceAll("\0", "\uFFFD").toWellFormed();
}

function int(what: string, path: string, field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    fail(what, `${path}.${field}`, `must be an integer from ${min} to ${max}`, v);
  }
  return v;
}

/** Parses an {@linkcode AppRegistration}; `what`/`path` prefix error messages. */
export function parseAppRegistration(
  value: unknown,
  what = "app registration",
  path = "app",
): AppRegistration {
  const o = obj(what, path, value);
  const app: AppRegistration = {
    appName: str(what, path, "appName", o.appName, 256),
    appId: str(what, path, "appId", o.appId, 256),
    appTierName: str(what, path, "appTierName", o.appTierName, 256),
    appTierId: str(what, path, "appTierId", o.appTierId, 256),
  };
  if (app.appName === "") fail(what, `${path}.appName`, "must not be empty", o.appName);
  if (o.properties !== undefined) {
    const p = obj(what, `${path}.properties`, o.properties);
    const props: Record<string, string> = {};
    for (const [k, v] of Object.entries(p)) {
      if (k === "__proto__") normalized = true; // assigning it would set the prototype, not a property
      props[k] = str(what, `${path}.properties`, k, v, 4096);
    }
    app.properties = props;
  }
  noteExtraKeys(o, 4 + (o.properties !== undefined ? 1 : 0));
  return app;
}

const INT64 = /^-?\d{1,19}$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Parses one typed {@linkcode Param}. */
export function parseParam(value: unknown, what = "param", path = "param"): Param {
  const o = obj(what, path, value);
  noteExtraKeys(o, 3);
  const name = str(what, path, "name", o.name, 256);
  switch (o.type) {
    case "int32":
      return { name, type: "int32", value: int(what, path, "value", o.value, -(2 ** 31), 2 ** 31 - 1) };
    case "int64": {
      const v = o.value;
      if (typeof v !== "string" || !INT64.test(v) || BigInt(v) < INT64_MIN || BigInt(v) > INT64_MAX) {
        fail(what, `${path}.value`, "must be a decimal int64 string", v);
      }
      return { name, type: "int64", value: v };
    }
    case "string":
      return { name, type: "string", value: str(what, path, "value", o.value) };
    default:
      return fail(what, `${path}.type`, 'must be "int32", "int64" or "string"', o.type);
  }
}

/** Parses one {@linkcode TelemetryEvent}; `defaultApp` stands in for a missing `app`. */
export function parseTelemetryEvent(
  value: unknown,
  what = "telemetry event",
  path = "event",
  defaultApp?: AppRegistration,
): TelemetryEvent {
  const o = obj(what, path, value);
  const tsUs = o.tsUs;
  if (typeof tsUs !== "number" || !Number.isSafeInteger(tsUs) || tsUs < 0) {
    fail(what, `${path}.tsUs`, "must be a non-negative integer (µs since epoch)", tsUs);
  }
  const requestId = o.requestId;
  if (typeof requestId !== "string" || !HEX32.test(requestId) || requestId === ZERO_TRACE_ID) {
    fail(what, `${path}.requestId`, "must be 32 lowercase hex digits, not all zero", requestId);
  }
  const spanId = o.spanId;
  if (typeof spanId !== "string" || !HEX16.test(spanId)) {
    fail(what, `${path}.spanId`, "must be 16 lowercase hex digits", spanId);
  }
  const event: TelemetryEvent = {
    tsUs,
    app: o.app === undefined && defaultApp ? defaultApp : parseAppRegistration(o.app, what, `${path}.app`),
    pid: int(what, path, "pid", o.pid, 0, 2 ** 32),
    tid: int(what, path, "tid", o.tid, 0, 2 ** 32),
    module: str(what, path, "module", o.module, 256),
    text: str(what, path, "text", o.text),
    flags: int(what, path, "flags", o.flags, 0, 63),
    level: int(what, path, "level", o.level, 0, 255),
    requestId,
    spanId,
  };
  if (o.parentSpanId === null || o.parentSpanId === "") normalized = true;
  else if (o.parentSpanId !== undefined) {
    if (typeof o.parentSpanId !== "string" || !HEX16.test(o.parentSpanId)) {
      fail(what, `${path}.parentSpanId`, "must be 16 lowercase hex digits", o.parentSpanId);
    }
    event.parentSpanId = o.parentSpanId;
  }
  if (o.params !== undefined) {
    if (!Array.isArray(o.params) || o.params.length > 256) {
      fail(what, `${path}.params`, "must be an array of at most 256 params", o.params);
    }
    event.params = o.params.map((p, i) => parseParam(p, what, `${path}.params[${i}]`));
  }
  noteExtraKeys(
    o,
    9 + (o.app !== undefined ? 1 : 0) + (o.parentSpanId !== undefined ? 1 : 0) +
      (o.params !== undefined ? 1 : 0),
  );
  return event;
}

/**
 * Parses an {@linkcode EventBatch}: `{"events":[...]}`, or `{"app":{...},"events":[...]}` where the
 * batch-level `app` stands in for events without one (what the SDK sends: the registration once per
 * batch). The result always has `app` on every event (the same object for events that had none).
 */
export function parseEventBatch(value: unknown, what = "event batch"): EventBatch {
  const o = obj(what, "", value);
  if (!Array.isArray(o.events)) fail(what, "events", "must be an array", o.events);
  const app = o.app === undefined ? undefined : parseAppRegistration(o.app, what, "app");
  return { events: o.events.map((e, i) => parseTelemetryEvent(e, what, `events[${i}]`, app)) };
}

/**
 * Parses an event batch like {@linkcode parseEventBatch} and tells whether the JSON it came from reads
 * back to exactly the parsed events (`exact`: no string was repaired, no empty `parentSpanId` and no
 * unknown field dropped). An exact batch can be kept as the bytes received.
 */
export function parseEventBatchExact(
  value: unknown,
  what = "event batch",
): { batch: EventBatch; exact: boolean } {
  normalized = false;
  const batch = parseEventBatch(value, what);
  noteExtraKeys(
    value as Record<string, unknown>,
    1 + ((value as { app?: unknown }).app !== undefined ? 1 : 0),
  );
  return { batch, exact: !normalized };
}

export { EventFlag, Level } from "./types.ts";
export type { AppRegistration, EventBatch, Param, TelemetryEvent } from "./types.ts";
