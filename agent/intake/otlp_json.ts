/**
 * Parser of OTLP/JSON trace bodies (`ExportTraceServiceRequest` in the protobuf JSON mapping, ids as
 * hex strings, 64-bit integers as strings or numbers). Shape problems throw `TypeError` naming the path.
 * @module
 */
import {
  emptySpan,
  type OtlpAttribute,
  type OtlpResourceSpans,
  type OtlpSpan,
  type OtlpValue,
} from "./otlp_model.ts";

type Obj = Record<string, unknown>;

function fail(path: string, rule: string, value: unknown): never {
  const shown = JSON.stringify(value)?.slice(0, 40) ?? String(value);
  throw new TypeError(`Cannot parse OTLP/JSON trace request: "${path}" ${rule}: current value is ${shown}`);
}

function obj(path: string, v: unknown): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(path, "must be an object", v);
  return v as Obj;
}

function arr(path: string, v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(path, "must be an array", v);
  return v;
}

function optStr(path: string, v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") fail(path, "must be a string", v);
  return v;
}

const HEX = /^(?:[0-9a-f]{2})*$/;

function hexId(path: string, v: unknown): string {
  const s = optStr(path, v).toLowerCase();
  if (!HEX.test(s)) fail(path, "must be hex", v);
  return s;
}

function nanosToMicros(path: string, v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return Math.floor(v / 1000);
  if (typeof v === "string" && /^\d{1,20}$/.test(v)) return v.length <= 3 ? 0 : Number(v.slice(0, -3));
  return fail(path, "must be unsigned nanoseconds", v);
}

function anyValue(path: string, v: unknown, depth = 0): OtlpValue {
  if (depth > 8) fail(path, "is nested too deeply", "…");
  if (v === undefined || v === null) return undefined;
  const o = obj(path, v);
  if ("stringValue" in o) return optStr(`${path}.stringValue`, o.stringValue);
  if ("boolValue" in o) return o.boolValue === true;
  if ("intValue" in o) {
    const i = o.intValue;
    if ((typeof i === "number" && Number.isInteger(i)) || (typeof i === "string" && /^-?\d{1,19}$/.test(i))) {
      return BigInt(i);
    }
    return fail(`${path}.intValue`, "must be an integer", i);
  }
  if ("doubleValue" in o) {
    const d = o.doubleValue;
    if (typeof d === "number") return d;
    if (typeof d === "string" && !Number.isNaN(Number(d))) return Number(d);
    return fail(`${path}.doubleValue`, "must be a number", d);
  }
  if ("arrayValue" in o || "kvlistValue" in o || "bytesValue" in o) return { json: JSON.stringify(v) };
  return undefined;
}

function attributes(path: string, v: unknown): OtlpAttribute[] {
  return arr(path, v).map((a, i) => {
    const o = obj(`${path}[${i}]`, a);
    return { key: optStr(`${path}[${i}].key`, o.key), value: anyValue(`${path}[${i}].value`, o.value) };
  });
}

function span(path: string, v: unknown): OtlpSpan {
  const o = obj(path, v);
  const s = emptySpan();
  s.traceId = hexId(`${path}.traceId`, o.traceId);
  s.spanId = hexId(`${path}.spanId`, o.spanId);
  s.parentSpanId = hexId(`${path}.parentSpanId`, o.parentSpanId);
  s.name = optStr(`${path}.name`, o.name);
  s.kind = typeof o.kind === "number" ? o.kind : 0;
  s.startUs = nanosToMicros(`${path}.startTimeUnixNano`, o.startTimeUnixNano);
  s.endUs = nanosToMicros(`${path}.endTimeUnixNano`, o.endTimeUnixNano);
  s.attributes = attributes(`${path}.attributes`, o.attributes);
  s.events = arr(`${path}.events`, o.events).map((e, i) => {
    const eo = obj(`${path}.events[${i}]`, e);
    return {
      timeUs: nanosToMicros(`${path}.events[${i}].timeUnixNano`, eo.timeUnixNano),
      name: optStr(`${path}.events[${i}].name`, eo.name),
      attributes: attributes(`${path}.events[${i}].attributes`, eo.attributes),
    };
  });
  if (o.status !== undefined && o.status !== null) {
    const st = obj(`${path}.status`, o.status);
    s.statusCode = typeof st.code === "number" ? st.code : st.code === "STATUS_CODE_ERROR" ? 2 : 0;
    s.statusMessage = optStr(`${path}.status.message`, st.message);
  }
  return s;
}

/** Parses a decoded OTLP/JSON `ExportTraceServiceRequest`. */
export function parseTraceRequestJson(value: unknown): OtlpResourceSpans[] {
  const root = obj("", value);
  return arr("resourceSpans", root.resourceSpans).map((rsv, i) => {
    const p = `resourceSpans[${i}]`;
    const rs = obj(p, rsv);
    const res = rs.resource === undefined ? {} : obj(`${p}.resource`, rs.resource);
    return {
      resource: attributes(`${p}.resource.attributes`, res.attributes),
      scopeSpans: arr(`${p}.scopeSpans`, rs.scopeSpans).map((ssv, j) => {
        const ss = obj(`${p}.scopeSpans[${j}]`, ssv);
        const scope = ss.scope === undefined || ss.scope === null
          ? {}
          : obj(`${p}.scopeSpans[${j}].scope`, ss.scope);
        return {
          scopeName: optStr(`${p}.scopeSpans[${j}].scope.name`, scope.name),
          spans: arr(`${p}.scopeSpans[${j}].spans`, ss.spans).map((sv, k) =>
            span(`${p}.scopeSpans[${j}].spans[${k}]`, sv)
          ),
        };
      }),
    };
  });
}
