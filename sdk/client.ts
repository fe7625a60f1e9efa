/**
 * The Sonde telemetry client: one per application tier. It holds the application registration, opens
 * requests and sections, and hands events to the non-blocking {@linkcode Delivery}.
 * @module
 */
import type { AppRegistration, Param } from "@sonde/shared/wire/telemetry";
import { DEFAULT_AGENT_URL, Flag, Level } from "./constants.ts";
import { Delivery, type DeliveryOptions, type DeliveryStats, type QueuedEvent } from "./delivery.ts";
import { type EventOptions, Span, type SpanSink } from "./span.ts";
import { extractTraceparent, type HeaderCarrier, randomHex, type TraceContext } from "./traceparent.ts";

/**
 * Options of {@linkcode createSonde}.
 *
 * @example
 * ```ts
 * const options: SondeOptions = {
 *   app: { appName: "shop", appId: "1", appTierName: "web", appTierId: "web-1" },
 *   level: Level.NORMAL, batchSize: 200, flushIntervalMs: 500,
 * };
 * ```
 */
export interface SondeOptions extends Partial<Omit<DeliveryOptions, "url">> {
  /** Application registration (appName, appId, appTierName, appTierId, extra properties). */
  app: AppRegistration;
  /** Agent intake URL. Default `http://127.0.0.1:4318/sonde/v1/events`. */
  agentUrl?: string;
  /** Highest level sent; events above are skipped in the application. Default DEBUG (70): the agent decides. */
  level?: number;
  /** Default module name. Default `"main"`. */
  module?: string;
  /** Process id reported. Default: `Deno.pid` / `process.pid`, 0 in browsers. */
  pid?: number;
  /** Thread id reported. Default 0. */
  tid?: number;
}

/**
 * Options of {@linkcode Sonde.startRequest}.
 *
 * @example
 * ```ts
 * Deno.serve((req) => sonde.request("GET /", () => new Response("ok"), { parent: req, params: { tenant: "a" } }));
 * ```
 */
export interface RequestOptions extends EventOptions {
  /** Continue the caller's request: a `traceparent` value, a parsed context, a `Request` or headers. */
  parent?: string | TraceContext | Request | HeaderCarrier;
}

function detectPid(): number {
  const g = globalThis as { Deno?: { pid?: number }; process?: { pid?: number } };
  return g.Deno?.pid ?? g.process?.pid ?? 0;
}

function nowUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * One application tier's telemetry client. Create it with {@linkcode createSonde}.
 *
 * @example
 * ```ts
 * import { createSonde } from "@sonde/sdk";
 * const sonde = createSonde({ app: { appName: "shop", appId: "1", appTierName: "web", appTierId: "web-1" } });
 * await sonde.request("GET /", async (req) => {
 *   await req.section("render", () => "html");
 * });
 * await sonde.close();
 * ```
 */
export class Sonde implements SpanSink {
  /** The registration sent with every event. */
  readonly app: AppRegistration;
  readonly #delivery: Delivery;
  readonly #level: number;
  readonly #module: string;
  readonly #pid: number;
  readonly #tid: number;

  /** Creates a client; prefer {@linkcode createSonde}. */
  constructor(options: SondeOptions) {
    this.app = { ...options.app };
    this.#delivery = new Delivery({ ...options, app: this.app, url: options.agentUrl ?? DEFAULT_AGENT_URL });
    this.#level = options.level ?? Level.DEBUG;
    this.#module = options.module ?? "main";
    this.#pid = options.pid ?? detectPid();
    this.#tid = options.tid ?? 0;
  }

  /** Whether events of `level` are sent at all (use it to skip building expensive parameters). */
  enabled(level: number): boolean {
    return level <= this.#level;
  }

  /** @internal Builds and queues an event; never throws. */
  emit(span: Span, text: string, flags: number, level: number, module: string, params?: Param[]): void {
    if (level > this.#level) return;
    const e: QueuedEvent = {
      tsUs: nowUs(),
      pid: this.#pid,
      tid: this.#tid,
      module,
      text,
      flags,
      level,
      requestId: span.requestId,
      spanId: span.spanId,
    };
    if (span.parentSpanId !== undefined) e.parentSpanId = span.parentSpanId;
    if (params) e.params = params;
    this.#delivery.push(e);
  }

  /**
   * Opens a request (a root span, or a child of `options.parent` when the caller sent a `traceparent`).
   * End it with `end()`.
   */
  startRequest(name: string, options: RequestOptions = {}): Span {
    let parent: TraceContext | undefined;
    const p = options.parent;
    if (typeof p === "string") parent = extractTraceparent({ traceparent: p });
    else if (p && "traceId" in p && "spanId" in p) parent = p as TraceContext;
    else if (p) parent = extractTraceparent(p as HeaderCarrier);
    return new Span(this, name, parent?.traceId ?? randomHex(16), parent?.spanId, this.#module, options);
  }

  /**
   * Runs `fn` as one request; the request ends when `fn` settles (with the ERROR flag when it throws,
   * and the error is rethrown).
   */
  async request<T>(
    name: string,
    fn: (req: Span) => T | Promise<T>,
    options: RequestOptions = {},
  ): Promise<T> {
    const req = this.startRequest(name, options);
    try {
      const out = await fn(req);
      req.end();
      return out;
    } catch (e) {
      req.end({ flags: Flag.ERROR, params: { error: e instanceof Error ? e.message : String(e) } });
      throw e;
    }
  }

  /** A module handle: requests it opens carry its module name. */
  module(name: string): { startRequest(n: string, o?: RequestOptions): Span } {
    return { startRequest: (n, o = {}) => this.startRequest(n, { module: name, ...o }) };
  }

  /** Delivery counters: `{sent, dropped, failedFlushes, queued}`. */
  stats(): DeliveryStats {
    return this.#delivery.stats();
  }

  /** Sends everything queued now. Never rejects. */
  flush(): Promise<void> {
    return this.#delivery.flush();
  }

  /** Flushes and stops; later events are dropped and counted. Never rejects. */
  close(): Promise<void> {
    return this.#delivery.close();
  }
}

/**
 * Creates a telemetry client for one application tier.
 *
 * @example
 * ```ts
 * import { createSonde } from "@sonde/sdk";
 * const sonde = createSonde({
 *   app: { appName: "shop", appId: "1", appTierName: "api", appTierId: "api-1" },
 *   agentUrl: "http://127.0.0.1:4318/sonde/v1/events",
 * });
 * Deno.serve((r) => sonde.request("GET /api", () => new Response("ok"), { parent: r }));
 * ```
 */
export function createSonde(options: SondeOptions): Sonde {
  return new Sonde(options);
}
