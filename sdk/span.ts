/**
 * A request or a nested section of it: ENTER when opened, LEAVE when ended, plain events in between,
 * and the `traceparent` to hand to the next tier.
 * @module
 */
import type { Param, TelemetryEvent } from "@sonde/shared/wire/telemetry";
import { Flag, Level } from "./constants.ts";
import { type ParamsInput, toParams } from "./params.ts";
import { type HeaderCarrier, injectTraceparent, randomHex, type TraceContext } from "./traceparent.ts";

/**
 * Options of one event.
 *
 * @example
 * ```ts
 * span.event("slow query", { module: "db", flags: Flag.WARNING, level: Level.DETAIL, params: { ms: 812 } });
 * ```
 */
export interface EventOptions {
  /** Module name (default: the span's module). */
  module?: string;
  /** Extra flags (WAIT, WARNING, ERROR, PROCESS_INFO). */
  flags?: number;
  /** Level (default LOG = 0). */
  level?: number;
  /** Typed parameters or a plain object. */
  params?: ParamsInput;
}

/**
 * What a span needs from its client: where events go and which are wanted ({@linkcode Sonde} is one).
 *
 * @example
 * ```ts
 * const sink: SpanSink = { emit: (span, text, flags) => console.log(span.requestId, text, flags) };
 * ```
 */
export interface SpanSink {
  /** Builds and queues an event (skipped when above the wanted level). */
  emit(span: Span, text: string, flags: number, level: number, module: string, params?: Param[]): void;
}

/**
 * An open request (root span) or section. End it exactly once; later `end()` calls are ignored.
 *
 * @example
 * ```ts
 * const req = sonde.startRequest("GET /orders");
 * const q = req.startSection("load orders", { module: "db" });
 * q.end({ params: { rows: 12 } });
 * req.end();
 * ```
 */
export class Span {
  /** Request id (W3C trace id). */
  readonly requestId: string;
  /** This span's id. */
  readonly spanId: string;
  /** The enclosing span's id (absent for the root of a request). */
  readonly parentSpanId: string | undefined;
  /** Module of this span's events. */
  readonly module: string;
  /** Name given when the span was opened. */
  readonly name: string;
  #ended = false;
  #level: number;

  /** Opens the span and emits its ENTER event; use `Sonde.startRequest` or `Span.startSection`. */
  constructor(
    private readonly sink: SpanSink,
    name: string,
    requestId: string,
    parentSpanId: string | undefined,
    module: string,
    options: EventOptions = {},
  ) {
    this.name = name;
    this.requestId = requestId;
    this.parentSpanId = parentSpanId;
    this.spanId = randomHex(8);
    this.module = options.module ?? module;
    this.#level = options.level ?? Level.LOG;
    sink.emit(
      this,
      name,
      Flag.ENTER | (options.flags ?? 0),
      this.#level,
      this.module,
      options.params ? toParams(options.params) : undefined,
    );
  }

  /** Whether `end()` was called. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Records a plain event inside this span. */
  event(text: string, options: EventOptions = {}): void {
    this.sink.emit(
      this,
      text,
      options.flags ?? 0,
      options.level ?? Level.LOG,
      options.module ?? this.module,
      options.params ? toParams(options.params) : undefined,
    );
  }

  /** Opens a nested section; end it with `end()`. */
  startSection(name: string, options: EventOptions = {}): Span {
    return new Span(this.sink, name, this.requestId, this.spanId, this.module, options);
  }

  /**
   * Runs `fn` inside a nested section, ending it when `fn` settles; a thrown error ends it with the
   * ERROR flag and is rethrown.
   */
  async section<T>(name: string, fn: (span: Span) => T | Promise<T>, options: EventOptions = {}): Promise<T> {
    const s = this.startSection(name, options);
    try {
      const out = await fn(s);
      s.end();
      return out;
    } catch (e) {
      s.end({ flags: Flag.ERROR, params: { error: e instanceof Error ? e.message : String(e) } });
      throw e;
    }
  }

  /** Ends the span with a LEAVE event (once). */
  end(options: EventOptions = {}): void {
    if (this.#ended) return;
    this.#ended = true;
    this.sink.emit(
      this,
      this.name,
      Flag.LEAVE | (options.flags ?? 0),
      options.level ?? this.#level,
      options.module ?? this.module,
      options.params ? toParams(options.params) : undefined,
    );
  }

  /** This span as a trace context (sampled). */
  context(): TraceContext {
    return { traceId: this.requestId, spanId: this.spanId, flags: 1 };
  }

  /** Writes `traceparent` for this span into `headers` (a new `Headers` when omitted) and returns them. */
  inject<H extends HeaderCarrier = Headers>(headers?: H): H {
    return injectTraceparent((headers ?? new Headers()) as H, this.context());
  }
}

/** Re-exported for sinks that build events. */
export type { TelemetryEvent };
