/**
 * The part of the OTLP trace data model the intake uses, decoded from protobuf or JSON.
 * Times are whole microseconds since the epoch; ids are lowercase hex ("" when absent).
 * @module
 */

/** An attribute value: string, bool, int (`bigint`), double (`number`), or a JSON rendering of arrays,
 * key-value lists and bytes (`{json}`). */
export type OtlpValue = string | boolean | bigint | number | { json: string } | undefined;

/** One attribute. */
export interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}

/** A span event (a log point inside a span). */
export interface OtlpSpanEvent {
  timeUs: number;
  name: string;
  attributes: OtlpAttribute[];
}

/** One span. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startUs: number;
  endUs: number;
  attributes: OtlpAttribute[];
  events: OtlpSpanEvent[];
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
}

/** Spans of one instrumentation scope. */
export interface OtlpScopeSpans {
  scopeName: string;
  spans: OtlpSpan[];
}

/** Spans of one resource (one service instance). */
export interface OtlpResourceSpans {
  resource: OtlpAttribute[];
  scopeSpans: OtlpScopeSpans[];
}

/** Status code meaning the span failed. */
export const STATUS_ERROR = 2;

/** An empty span, filled in by decoders. */
export function emptySpan(): OtlpSpan {
  return {
    traceId: "",
    spanId: "",
    parentSpanId: "",
    name: "",
    kind: 0,
    startUs: 0,
    endUs: 0,
    attributes: [],
    events: [],
    statusCode: 0,
    statusMessage: "",
  };
}
