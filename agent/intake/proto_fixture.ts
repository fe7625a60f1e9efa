/**
 * A small OTLP protobuf encoder for tests and benchmarks: builds `ExportTraceServiceRequest` bodies of
 * realistic shape (resource attributes, a scope, spans with attributes, status and events).
 * @module
 */

class Writer {
  bytes: number[] = [];
  varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.bytes.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.bytes.push(Number(x));
  }
  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }
  len(field: number, payload: number[]): void {
    this.tag(field, 2);
    this.varint(payload.length);
    for (const b of payload) this.bytes.push(b);
  }
  str(field: number, s: string): void {
    this.len(field, [...new TextEncoder().encode(s)]);
  }
  hex(field: number, h: string): void {
    this.len(field, h.match(/../g)!.map((x) => parseInt(x, 16)));
  }
  fixed64(field: number, v: bigint): void {
    this.tag(field, 1);
    for (let i = 0n; i < 8n; i++) this.bytes.push(Number((v >> (8n * i)) & 0xffn));
  }
}

/** An attribute value for {@linkcode encodeTraceRequest}. */
export type FixtureValue = string | number | bigint | boolean;

function kv(key: string, value: FixtureValue): number[] {
  const any = new Writer();
  if (typeof value === "string") any.str(1, value);
  else if (typeof value === "boolean") {
    any.tag(2, 0);
    any.varint(value ? 1 : 0);
  } else if (typeof value === "bigint" || Number.isInteger(value)) {
    any.tag(3, 0);
    any.varint(BigInt(value));
  } else {
    any.tag(4, 1);
    const b = new Uint8Array(new Float64Array([value]).buffer);
    any.bytes.push(...b);
  }
  const w = new Writer();
  w.str(1, key);
  w.len(2, any.bytes);
  return w.bytes;
}

/** A span for {@linkcode encodeTraceRequest}. */
export interface FixtureSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startNs: bigint;
  endNs: bigint;
  attributes?: Record<string, FixtureValue>;
  error?: string;
  events?: { name: string; timeNs: bigint; attributes?: Record<string, FixtureValue> }[];
}

/** Encodes one resource with one scope holding `spans`. */
export function encodeTraceRequest(
  resource: Record<string, FixtureValue>,
  scope: string,
  spans: FixtureSpan[],
): Uint8Array<ArrayBuffer> {
  const res = new Writer();
  for (const [k, v] of Object.entries(resource)) res.len(1, kv(k, v));
  const ss = new Writer();
  const sc = new Writer();
  sc.str(1, scope);
  ss.len(1, sc.bytes);
  for (const s of spans) {
    const w = new Writer();
    w.hex(1, s.traceId);
    w.hex(2, s.spanId);
    if (s.parentSpanId) w.hex(4, s.parentSpanId);
    w.str(5, s.name);
    w.tag(6, 0);
    w.varint(2);
    w.fixed64(7, s.startNs);
    w.fixed64(8, s.endNs);
    for (const [k, v] of Object.entries(s.attributes ?? {})) w.len(9, kv(k, v));
    for (const e of s.events ?? []) {
      const ew = new Writer();
      ew.fixed64(1, e.timeNs);
      ew.str(2, e.name);
      for (const [k, v] of Object.entries(e.attributes ?? {})) ew.len(3, kv(k, v));
      w.len(11, ew.bytes);
    }
    if (s.error !== undefined) {
      const st = new Writer();
      st.str(2, s.error);
      st.tag(3, 0);
      st.varint(2);
      w.len(15, st.bytes);
    }
    ss.len(2, w.bytes);
  }
  const rs = new Writer();
  rs.len(1, res.bytes);
  rs.len(2, ss.bytes);
  const req = new Writer();
  req.len(1, rs.bytes);
  return new Uint8Array(req.bytes);
}

/** `n` requests of `spansPerRequest` nested spans each, as one body (a realistic exporter batch). */
export function realisticBody(
  n: number,
  spansPerRequest: number,
  startNs = 1_790_000_000_000_000_000n,
): Uint8Array<ArrayBuffer> {
  const hex = (bytes: number) =>
    Array.from({ length: bytes }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, "0")).join(
      "",
    );
  const spans: FixtureSpan[] = [];
  for (let r = 0; r < n; r++) {
    const traceId = hex(16);
    let parent: string | undefined;
    for (let s = 0; s < spansPerRequest; s++) {
      const spanId = hex(8);
      spans.push({
        traceId,
        spanId,
        parentSpanId: parent,
        name: s === 0 ? "GET /api/orders/{id}" : `db.query ${s}`,
        startNs: startNs + BigInt(s * 1000_000),
        endNs: startNs + BigInt((2 * spansPerRequest - s) * 1000_000),
        attributes: {
          "http.method": "GET",
          "http.status_code": 200,
          "db.rows": s * 3,
          "net.peer.name": "db-01.example",
        },
      });
      parent = spanId;
    }
  }
  return encodeTraceRequest(
    {
      "service.name": "api",
      "service.namespace": "shop",
      "service.instance.id": "api-1",
      "host.name": "web-01",
    },
    "@opentelemetry/instrumentation-http",
    spans,
  );
}
