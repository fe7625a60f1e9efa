/**
 * Turns OTLP spans into Sonde telemetry events: an ENTER event at the span's start (attributes as
 * parameters), one plain event per span event, and a LEAVE event at its end (ERROR flag when the status
 * is error). Resource attributes name the application:
 *
 * | Sonde | OTLP resource attribute | default |
 * |---|---|---|
 * | appName | `service.namespace` | `service.name` |
 * | appId | `sonde.app.id` | `"1"` |
 * | appTierName | `service.name` | `"unknown_service"` |
 * | appTierId | `service.instance.id` | `host.name`, then `"1"` |
 * | pid | `process.pid` | 0 |
 * @module
 */
import type { AppRegistration, Param, TelemetryEvent } from "@sonde/shared/wire/telemetry";
import { EventFlag, Level } from "@sonde/shared/wire/telemetry";
import { type OtlpAttribute, type OtlpResourceSpans, type OtlpValue, STATUS_ERROR } from "./otlp_model.ts";

const I32_MIN = -(2n ** 31n);
const I32_MAX = 2n ** 31n - 1n;
const ID32 = /^[0-9a-f]{32}$/;
const ID16 = /^[0-9a-f]{16}$/;

function text(v: OtlpValue): string {
  if (v === undefined) return "";
  if (typeof v === "object") return v.json;
  return String(v);
}

/** Converts one attribute to a typed parameter (int → int32 or int64, everything else → string). */
export function toParam(a: OtlpAttribute): Param {
  const v = a.value;
  if (typeof v === "bigint") {
    return v >= I32_MIN && v <= I32_MAX
      ? { name: a.key, type: "int32", value: Number(v) }
      : { name: a.key, type: "int64", value: v.toString() };
  }
  return { name: a.key, type: "string", value: text(v) };
}

function params(attrs: OtlpAttribute[]): Param[] | undefined {
  return attrs.length === 0 ? undefined : attrs.map(toParam);
}

/** The application registration named by resource attributes (see the module table). */
export function appFromResource(resource: OtlpAttribute[]): { app: AppRegistration; pid: number } {
  const get = (k: string) => {
    const a = resource.find((x) => x.key === k);
    return a === undefined || a.value === undefined ? undefined : text(a.value);
  };
  const tier = get("service.name") || "unknown_service";
  const pid = Number(get("process.pid") ?? 0);
  return {
    app: {
      appName: get("service.namespace") || tier,
      appId: get("sonde.app.id") || "1",
      appTierName: tier,
      appTierId: get("service.instance.id") || get("host.name") || "1",
    },
    pid: Number.isInteger(pid) && pid >= 0 && pid <= 2 ** 32 ? pid : 0,
  };
}

/** Counts of what a conversion skipped. */
export interface ConvertResult {
  events: TelemetryEvent[];
  /** Spans skipped because their trace id or span id is invalid (all zero, wrong length). */
  invalidSpans: number;
  spans: number;
}

/** Converts decoded OTLP resource spans into telemetry events. */
export function spansToEvents(resourceSpans: OtlpResourceSpans[]): ConvertResult {
  const events: TelemetryEvent[] = [];
  let invalidSpans = 0;
  let spans = 0;
  for (const rs of resourceSpans) {
    const { app, pid } = appFromResource(rs.resource);
    for (const ss of rs.scopeSpans) {
      const module = ss.scopeName || "otel";
      for (const s of ss.spans) {
        spans++;
        if (
          !ID32.test(s.traceId) || s.traceId === "00000000000000000000000000000000" || !ID16.test(s.spanId)
        ) {
          invalidSpans++;
          continue;
        }
        const base = { app, pid, tid: 0, module, level: Level.LOG, requestId: s.traceId, spanId: s.spanId };
        const parent = ID16.test(s.parentSpanId) && s.parentSpanId !== "0000000000000000"
          ? s.parentSpanId
          : undefined;
        const enter: TelemetryEvent = { ...base, tsUs: s.startUs, text: s.name, flags: EventFlag.ENTER };
        const leave: TelemetryEvent = {
          ...base,
          tsUs: Math.max(s.endUs, s.startUs),
          text: s.name,
          flags: EventFlag.LEAVE | (s.statusCode === STATUS_ERROR ? EventFlag.ERROR : 0),
        };
        if (parent) enter.parentSpanId = leave.parentSpanId = parent;
        const p = params(s.attributes);
        if (p) enter.params = p;
        if (s.statusMessage) {
          leave.params = [{ name: "status.message", type: "string", value: s.statusMessage }];
        }
        events.push(enter);
        for (const e of s.events) {
          const ev: TelemetryEvent = {
            ...base,
            tsUs: e.timeUs,
            text: e.name,
            flags: e.name === "exception" ? EventFlag.ERROR : 0,
          };
          if (parent) ev.parentSpanId = parent;
          const ep = params(e.attributes);
          if (ep) ev.params = ep;
          events.push(ev);
        }
        events.push(leave);
      }
    }
  }
  return { events, invalidSpans, spans };
}
