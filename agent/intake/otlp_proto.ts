/**
 * Hand-written decoder of OTLP `ExportTraceServiceRequest` protobuf bodies (opentelemetry-proto
 * `collector/trace/v1`, `trace/v1`, `common/v1`, `resource/v1`): only the fields Sonde uses are
 * decoded, every other field is skipped. Malformed input throws `RangeError`.
 * @module
 */
import {
  emptySpan,
  type OtlpAttribute,
  type OtlpResourceSpans,
  type OtlpScopeSpans,
  type OtlpSpan,
  type OtlpSpanEvent,
  type OtlpValue,
} from "./otlp_model.ts";
import { ProtoReader, WireType } from "./protobuf.ts";

const { VARINT, I64, LEN } = WireType;
const MAX_DEPTH = 8;

/** Decodes an `ExportTraceServiceRequest`. */
export function decodeTraceRequest(body: Uint8Array): OtlpResourceSpans[] {
  const r = new ProtoReader(body);
  const out: OtlpResourceSpans[] = [];
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 1) {
      r.expect(f, w, LEN);
      out.push(resourceSpans(r.message()));
    } else r.skip(w);
  }
  return out;
}

function resourceSpans(r: ProtoReader): OtlpResourceSpans {
  const rs: OtlpResourceSpans = { resource: [], scopeSpans: [] };
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 1) {
      r.expect(f, w, LEN);
      const res = r.message();
      while (res.more()) {
        const [rf, rw] = res.tag();
        if (rf === 1) {
          res.expect(rf, rw, LEN);
          rs.resource.push(keyValue(res.message(), 0));
        } else res.skip(rw);
      }
    } else if (f === 2) {
      r.expect(f, w, LEN);
      rs.scopeSpans.push(scopeSpans(r.message()));
    } else r.skip(w);
  }
  return rs;
}

function scopeSpans(r: ProtoReader): OtlpScopeSpans {
  const ss: OtlpScopeSpans = { scopeName: "", spans: [] };
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 1) {
      r.expect(f, w, LEN);
      const scope = r.message();
      while (scope.more()) {
        const [sf, sw] = scope.tag();
        if (sf === 1) {
          scope.expect(sf, sw, LEN);
          ss.scopeName = scope.string();
        } else scope.skip(sw);
      }
    } else if (f === 2) {
      r.expect(f, w, LEN);
      ss.spans.push(span(r.message()));
    } else r.skip(w);
  }
  return ss;
}

function span(r: ProtoReader): OtlpSpan {
  const s = emptySpan();
  while (r.more()) {
    const [f, w] = r.tag();
    switch (f) {
      case 1:
        r.expect(f, w, LEN);
        s.traceId = r.hex();
        break;
      case 2:
        r.expect(f, w, LEN);
        s.spanId = r.hex();
        break;
      case 4:
        r.expect(f, w, LEN);
        s.parentSpanId = r.hex();
        break;
      case 5:
        r.expect(f, w, LEN);
        s.name = r.string();
        break;
      case 6:
        r.expect(f, w, VARINT);
        s.kind = r.varint();
        break;
      case 7:
        r.expect(f, w, I64);
        s.startUs = r.fixed64Micros();
        break;
      case 8:
        r.expect(f, w, I64);
        s.endUs = r.fixed64Micros();
        break;
      case 9:
        r.expect(f, w, LEN);
        s.attributes.push(keyValue(r.message(), 0));
        break;
      case 11:
        r.expect(f, w, LEN);
        s.events.push(spanEvent(r.message()));
        break;
      case 15: {
        r.expect(f, w, LEN);
        const st = r.message();
        while (st.more()) {
          const [sf, sw] = st.tag();
          if (sf === 2 && sw === LEN) s.statusMessage = st.string();
          else if (sf === 3 && sw === VARINT) s.statusCode = st.varint();
          else st.skip(sw);
        }
        break;
      }
      default:
        r.skip(w);
    }
  }
  return s;
}

function spanEvent(r: ProtoReader): OtlpSpanEvent {
  const e: OtlpSpanEvent = { timeUs: 0, name: "", attributes: [] };
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 1 && w === I64) e.timeUs = r.fixed64Micros();
    else if (f === 2 && w === LEN) e.name = r.string();
    else if (f === 3 && w === LEN) e.attributes.push(keyValue(r.message(), 0));
    else r.skip(w);
  }
  return e;
}

function keyValue(r: ProtoReader, depth: number): OtlpAttribute {
  let key = "";
  let value: OtlpValue;
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 1 && w === LEN) key = r.string();
    else if (f === 2 && w === LEN) value = anyValue(r.message(), depth + 1);
    else r.skip(w);
  }
  return { key, value };
}

function anyValue(r: ProtoReader, depth: number): OtlpValue {
  if (depth > MAX_DEPTH) {
    throw new RangeError(`Cannot decode protobuf: values nested deeper than ${MAX_DEPTH}`);
  }
  let value: OtlpValue;
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 1 && w === LEN) value = r.string();
    else if (f === 2 && w === VARINT) value = r.varint() !== 0;
    else if (f === 3 && w === VARINT) value = r.varint64();
    else if (f === 4 && w === I64) value = r.double();
    else if ((f === 5 || f === 6) && w === LEN) {
      value = { json: JSON.stringify(toPlain(r.message(), f, depth)) };
    } else if (f === 7 && w === LEN) value = { json: JSON.stringify(r.hex()) };
    else r.skip(w);
  }
  return value;
}

function plain(v: OtlpValue): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v && typeof v === "object") return JSON.parse(v.json);
  return v ?? null;
}

function toPlain(r: ProtoReader, field: number, depth: number): unknown {
  if (field === 5) {
    const out: unknown[] = [];
    while (r.more()) {
      const [f, w] = r.tag();
      if (f === 1 && w === LEN) out.push(plain(anyValue(r.message(), depth + 1)));
      else r.skip(w);
    }
    return out;
  }
  const obj: Record<string, unknown> = {};
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 1 && w === LEN) {
      const kv = keyValue(r.message(), depth + 1);
      obj[kv.key] = plain(kv.value);
    } else r.skip(w);
  }
  return obj;
}
