/**
 * Batching, non-blocking delivery of events to the local agent: a bounded in-memory queue flushed when
 * it holds `batchSize` events or every `flushIntervalMs`, one POST in flight at a time. When the queue
 * is full or the agent is away, events are dropped and counted; nothing here throws into the caller.
 * @module
 */
import type { AppRegistration, TelemetryEvent } from "@sonde/shared/wire/telemetry";

/** An event as queued: `app` may be left out when the delivery carries a batch-level `app`. */
export type QueuedEvent = Omit<TelemetryEvent, "app"> & { app?: AppRegistration };

/**
 * Delivery counters, as {@linkcode Delivery.stats} returns them.
 *
 * @example
 * ```ts
 * const { sent, dropped, failedFlushes, queued } = sonde.stats();
 * ```
 */
export interface DeliveryStats {
  /** Events the agent accepted. */
  sent: number;
  /** Events dropped: queue full, agent unreachable or refused. */
  dropped: number;
  /** POSTs that failed (network error, timeout or non-2xx). */
  failedFlushes: number;
  /** Events waiting in the queue now. */
  queued: number;
}

/**
 * Options of {@linkcode Delivery}.
 *
 * @example
 * ```ts
 * const d = new Delivery({ url: "http://127.0.0.1:4318/sonde/v1/events", maxQueue: 50_000, batchSize: 1000 });
 * ```
 */
export interface DeliveryOptions {
  /** Intake URL (`http://127.0.0.1:4318/sonde/v1/events`). */
  url: string;
  /** Largest number of queued events; more are dropped and counted. Default 10000. */
  maxQueue?: number;
  /** Events per POST; a full batch is sent at once. Default 500. */
  batchSize?: number;
  /** Longest time an event waits in the queue. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Timeout of one POST. Default 5000 ms. */
  timeoutMs?: number;
  /** The fetch to use (tests, custom agents). Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Registration sent once per batch (`{"app":…,"events":[…]}`) for events that carry none. */
  app?: AppRegistration;
}

function unref(timer: unknown): void {
  const deno = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno;
  if (typeof timer === "number" && deno?.unrefTimer) deno.unrefTimer(timer);
  else (timer as { unref?: () => void })?.unref?.();
}

/**
 * The SDK's delivery queue.
 *
 * @example
 * ```ts
 * import { Delivery } from "@sonde/sdk";
 * const d = new Delivery({ url: "http://127.0.0.1:4318/sonde/v1/events" });
 * d.push(event);
 * await d.flush();
 * console.log(d.stats()); // { sent: 1, dropped: 0, failedFlushes: 0, queued: 0 }
 * ```
 */
export class Delivery {
  #queue: QueuedEvent[] = [];
  #sent = 0;
  #dropped = 0;
  #failed = 0;
  #inFlight: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  readonly #o: Required<Omit<DeliveryOptions, "app">> & { app?: AppRegistration };

  /** Creates an empty queue delivering to `options.url`. */
  constructor(options: DeliveryOptions) {
    this.#o = {
      maxQueue: 10_000,
      batchSize: 500,
      flushIntervalMs: 1000,
      timeoutMs: 5000,
      fetch: (...a) => globalThis.fetch(...a),
      ...options,
    };
  }

  /** Queues one event; drops and counts it when the queue is full or delivery was closed. */
  push(event: QueuedEvent): void {
    const q = this.#queue;
    if (q.length >= this.#o.maxQueue || this.#closed) {
      this.#dropped++;
      return;
    }
    q.push(event);
    if (q.length >= this.#o.batchSize) {
      if (!this.#inFlight) this.#send();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (!this.#inFlight) this.#send();
      }, this.#o.flushIntervalMs);
      unref(this.#timer);
    }
  }

  /** Sends everything queued now; resolves when the queue is empty or nothing more can be sent. */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#inFlight) {
      if (this.#inFlight) await this.#inFlight;
      else this.#send();
    }
  }

  /** Flushes, then drops every later event (counted). */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Delivery counters. */
  stats(): DeliveryStats {
    return {
      sent: this.#sent,
      dropped: this.#dropped,
      failedFlushes: this.#failed,
      queued: this.#queue.length,
    };
  }

  #send(): void {
    const batch = this.#queue.splice(0, this.#o.batchSize);
    if (batch.length === 0) return;
    this.#inFlight = this.#post(batch).finally(() => {
      this.#inFlight = undefined;
      if (this.#queue.length >= this.#o.batchSize) this.#send();
      else if (this.#queue.length > 0 && this.#timer === undefined) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          if (!this.#inFlight) this.#send();
        }, this.#o.flushIntervalMs);
        unref(this.#timer);
      }
    });
  }

  async #post(batch: QueuedEvent[]): Promise<void> {
    try {
      const res = await this.#o.fetch(this.#o.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(this.#o.app ? { app: this.#o.app, events: batch } : { events: batch }),
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
      await res.body?.cancel().catch(() => {});
      if (res.ok) this.#sent += batch.length;
      else {
        this.#failed++;
        this.#dropped += batch.length;
      }
    } catch {
      // agent away or timed out: the application must not notice, so count and move on
      this.#failed++;
      this.#dropped += batch.length;
    }
  }
}
