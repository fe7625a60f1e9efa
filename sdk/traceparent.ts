/**
 * W3C Trace Context `traceparent` (`00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`): parse,
 * format, and inject into / extract from HTTP headers, so a request crosses processes and hosts.
 * @module
 */

/**
 * The parts of a `traceparent` header.
 *
 * @example
 * ```ts
 * const ctx: TraceContext = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", flags: 1 };
 * ```
 */
export interface TraceContext {
  /** W3C trace id = Sonde request id, 32 lowercase hex digits. */
  traceId: string;
  /** The caller's span id, 16 lowercase hex digits. */
  spanId: string;
  /** Trace flags (bit 0 = sampled). */
  flags: number;
}

const RE = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * Parses a `traceparent` value; returns `undefined` for anything invalid (all-zero ids, version ff,
 * wrong lengths), as the W3C spec asks receivers to do.
 *
 * @example
 * ```ts
 * import { parseTraceparent } from "@sonde/sdk";
 * parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
 * // { traceId: "4bf9…4736", spanId: "00f067aa0ba902b7", flags: 1 }
 * ```
 */
export function parseTraceparent(value: string | null | undefined): TraceContext | undefined {
  if (!value) return undefined;
  const m = RE.exec(value.trim().toLowerCase());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m;
  if (version === "ff" || (version === "00" && rest)) return undefined;
  if (/^0+$/.test(traceId!) || /^0+$/.test(spanId!)) return undefined;
  return { traceId: traceId!, spanId: spanId!, flags: parseInt(flags!, 16) };
}

/**
 * Formats a `traceparent` value (version 00).
 *
 * @example
 * ```ts
 * import { formatTraceparent } from "@sonde/sdk";
 * formatTraceparent({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", flags: 1 });
 * ```
 */
export function formatTraceparent(ctx: TraceContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${(ctx.flags & 0xff).toString(16).padStart(2, "0")}`;
}

/**
 * Header containers the SDK can write to: a `Headers` object or a plain record.
 *
 * @example
 * ```ts
 * const plain: HeaderCarrier = {};
 * injectTraceparent(plain, span.context()); // plain.traceparent = "00-…-…-01"
 * ```
 */
export type HeaderCarrier = Headers | Record<string, string>;

/**
 * Writes `traceparent` into `headers` and returns them.
 *
 * @example
 * ```ts
 * import { injectTraceparent } from "@sonde/sdk";
 * const headers = injectTraceparent(new Headers(), span.context());
 * await fetch(url, { headers });
 * ```
 */
export function injectTraceparent<H extends HeaderCarrier>(headers: H, ctx: TraceContext): H {
  const v = formatTraceparent(ctx);
  if (headers instanceof Headers) headers.set("traceparent", v);
  else (headers as Record<string, string>).traceparent = v;
  return headers;
}

/**
 * Reads `traceparent` from a `Request`, a `Headers` object or a plain record (case-insensitive).
 *
 * @example
 * ```ts
 * import { extractTraceparent } from "@sonde/sdk";
 * Deno.serve((req) => { const parent = extractTraceparent(req); return new Response(parent?.traceId); });
 * ```
 */
export function extractTraceparent(
  from: Request | HeaderCarrier | Record<string, string | string[] | undefined>,
): TraceContext | undefined {
  if (typeof Request !== "undefined" && from instanceof Request) {
    return parseTraceparent(from.headers.get("traceparent"));
  }
  if (from instanceof Headers) return parseTraceparent(from.get("traceparent"));
  for (const [k, v] of Object.entries(from)) {
    if (k.toLowerCase() === "traceparent") return parseTraceparent(Array.isArray(v) ? v[0] : v);
  }
  return undefined;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const pool = new Uint8Array(4096);
let poolPos = pool.length;

/**
 * Random lowercase hex of `bytes` bytes (never all zero), from a pooled `crypto.getRandomValues` buffer.
 *
 * @example
 * ```ts
 * import { randomHex } from "@sonde/sdk";
 * const traceId = randomHex(16); // 32 hex digits
 * ```
 */
export function randomHex(bytes: number): string {
  for (;;) {
    if (poolPos + bytes > pool.length) {
      crypto.getRandomValues(pool);
      poolPos = 0;
    }
    let s = "";
    let nonZero = 0;
    for (let i = 0; i < bytes; i++) {
      const x = pool[poolPos++]!;
      nonZero |= x;
      s += HEX[x];
    }
    if (nonZero) return s;
  }
}
