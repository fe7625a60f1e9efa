/**
 * OTLP `ExportTraceServiceResponse` bodies: empty when every span was accepted, else a
 * `partial_success` with the number of rejected spans and why (protobuf or JSON).
 * @module
 */

const utf8 = new TextEncoder();

function varint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** The protobuf response for `rejected` spans (empty message when none). */
export function traceResponseProto(rejected: number, message: string): Uint8Array<ArrayBuffer> {
  if (rejected === 0) return new Uint8Array(0);
  const inner: number[] = [0x08]; // field 1 (rejected_spans), varint
  varint(inner, rejected);
  const msg = utf8.encode(message);
  inner.push(0x12); // field 2 (error_message), length-delimited
  varint(inner, msg.length);
  inner.push(...msg);
  const out: number[] = [0x0a]; // field 1 (partial_success), length-delimited
  varint(out, inner.length);
  out.push(...inner);
  return new Uint8Array(out);
}

/** The JSON response for `rejected` spans. */
export function traceResponseJson(rejected: number, message: string): Record<string, unknown> {
  return rejected === 0
    ? { partialSuccess: {} }
    : { partialSuccess: { rejectedSpans: String(rejected), errorMessage: message } };
}
