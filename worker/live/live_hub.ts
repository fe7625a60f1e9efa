/**
 * The live view: the newest finished requests held in a bounded ring and pushed to subscribers as
 * they arrive. Rows come from `publish` (the in-process assembler) and from a poller reading new
 * request rows (so it works across processes); a request seen by both is delivered once, to each
 * subscriber once. Every drop is counted.
 * @module
 */
import type { RequestRow } from "@sonde/shared/api";
import { createLogger, type Logger } from "@sonde/shared/log";
import { errorMessage } from "@sonde/shared/errors";

/** A finished request of a pool. */
export interface PooledRow {
  pool: number;
  row: RequestRow;
}

/** Where the poller finds rows written by another process. */
export interface LiveSource {
  /** New rows since the last call, in insertion order (the first call only positions itself). */
  poll(): Promise<PooledRow[]>;
}

/** Counters of a {@linkcode LiveHub}. */
export interface LiveStats {
  published: number;
  duplicates: number;
  /** Rows pushed out of the ring by newer ones. */
  evicted: number;
  /** Subscriber callbacks that threw. */
  callbackErrors: number;
  subscribers: number;
  pollErrors: number;
}

/** Options of {@linkcode LiveHub}. */
export interface LiveHubOptions {
  /** Rows kept in memory (default 2000). */
  capacity?: number;
  source?: LiveSource;
  /** Poll period (default 1000 ms). */
  pollMs?: number;
  log?: Logger;
}

type Subscriber = { pool: number | null; fn: (row: RequestRow) => void };

/** Holds the newest requests and fans them out. */
export class LiveHub {
  readonly #capacity: number;
  readonly #ring: PooledRow[] = [];
  readonly #seen = new Set<string>();
  readonly #subs = new Set<Subscriber>();
  readonly #log: Logger;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #polling: Promise<void> | undefined;
  readonly stats: LiveStats = {
    published: 0,
    duplicates: 0,
    evicted: 0,
    callbackErrors: 0,
    subscribers: 0,
    pollErrors: 0,
  };

  constructor(readonly options: LiveHubOptions = {}) {
    this.#capacity = Math.max(1, options.capacity ?? 2000);
    this.#log = options.log ?? createLogger("worker/live");
    if (options.source) {
      const tick = () => {
        this.#polling = this.pollOnce().finally(() => {
          if (this.#timer !== undefined) this.#timer = setTimeout(tick, options.pollMs ?? 1000);
        });
      };
      this.#timer = setTimeout(tick, 0);
    }
  }

  /** Takes one finished request; returns false when it was already known. */
  publish(pool: number, row: RequestRow): boolean {
    const key = `${pool}/${row.requestId}`;
    if (this.#seen.has(key)) {
      this.stats.duplicates++;
      return false;
    }
    this.#seen.add(key);
    this.#ring.push({ pool, row });
    this.stats.published++;
    while (this.#ring.length > this.#capacity) {
      const old = this.#ring.shift()!;
      this.#seen.delete(`${old.pool}/${old.row.requestId}`);
      this.stats.evicted++;
    }
    for (const s of this.#subs) {
      if (s.pool !== null && s.pool !== pool) continue;
      try {
        s.fn(row);
      } catch (e) {
        this.stats.callbackErrors++;
        if (this.stats.callbackErrors === 1) {
          this.#log.warn("live subscriber failed", { error: errorMessage(e) });
        }
      }
    }
    return true;
  }

  /** Calls `fn` for each new request of `pool` (all pools when null); returns unsubscribe. */
  subscribe(pool: number | null, fn: (row: RequestRow) => void): () => void {
    const s: Subscriber = { pool, fn };
    this.#subs.add(s);
    this.stats.subscribers = this.#subs.size;
    return () => {
      this.#subs.delete(s);
      this.stats.subscribers = this.#subs.size;
    };
  }

  /** The newest `limit` rows of `pool` (all when null), newest first. */
  recent(pool: number | null, limit = 100): RequestRow[] {
    const out: RequestRow[] = [];
    for (let i = this.#ring.length - 1; i >= 0 && out.length < limit; i--) {
      const r = this.#ring[i];
      if (pool === null || r.pool === pool) out.push(r.row);
    }
    return out;
  }

  /** Polls the source once (also run by the timer). */
  async pollOnce(): Promise<void> {
    if (!this.options.source) return;
    try {
      for (const r of await this.options.source.poll()) this.publish(r.pool, r.row);
    } catch (e) {
      this.stats.pollErrors++;
      this.#log.warn("live poll failed", { error: errorMessage(e), failures: this.stats.pollErrors });
    }
  }

  /** Stops polling and drops subscribers. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#polling;
    this.#subs.clear();
  }
}
