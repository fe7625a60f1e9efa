/**
 * Login rate limiting: failures counted per key (an IP, a user name) in a fixed window; a bounded map
 * whose oldest entries are evicted (and counted) when full.
 * @module
 */

/** Options of {@linkcode RateLimiter}. */
export interface RateLimitOptions {
  /** Failures allowed per window before the key is blocked. */
  maxFailures: number;
  windowMs: number;
  /** Largest number of keys tracked. */
  maxKeys: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  windowStart: number;
}

/** Counts failures per key and blocks a key after too many. */
export class RateLimiter {
  readonly #entries = new Map<string, Entry>();
  readonly #opts: Required<RateLimitOptions>;
  /** Keys evicted because the map was full. */
  evicted = 0;

  constructor(options: RateLimitOptions) {
    this.#opts = { now: Date.now, ...options };
  }

  #live(key: string): Entry | undefined {
    const e = this.#entries.get(key);
    if (e && this.#opts.now() - e.windowStart >= this.#opts.windowMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Milliseconds until `key` may try again, or 0 when it may try now. */
  retryAfterMs(key: string): number {
    const e = this.#live(key);
    if (!e || e.failures < this.#opts.maxFailures) return 0;
    return e.windowStart + this.#opts.windowMs - this.#opts.now();
  }

  /** Records a failed attempt of `key`. */
  fail(key: string): void {
    const e = this.#live(key);
    if (e) {
      e.failures++;
      return;
    }
    if (this.#entries.size >= this.#opts.maxKeys) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
      this.evicted++;
    }
    this.#entries.set(key, { failures: 1, windowStart: this.#opts.now() });
  }

  /** Forgets `key` after a successful login. */
  reset(key: string): void {
    this.#entries.delete(key);
  }

  /** Keys tracked now. */
  get size(): number {
    return this.#entries.size;
  }
}
