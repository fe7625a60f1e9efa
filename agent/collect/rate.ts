/**
 * Per-second rates and deltas from monotonic kernel counters. A counter that goes backwards (a wrap, a
 * reset after a driver reload, a device replaced under the same name) gives no value for that interval,
 * never a negative or absurdly large one; the next interval is measured from the new value.
 * @module
 */

interface Reading {
  value: number;
  ts: number;
}

/** Remembers the previous reading of each counter and turns the next one into a rate. */
export class RateTracker {
  #prev = new Map<string, Reading>();
  #seen = new Set<string>();

  /** Per-second rate of `key` since its previous reading, or undefined (first reading, reset, no time). */
  rate(key: string, value: number, nowMs: number): number | undefined {
    const d = this.delta(key, value, nowMs);
    if (d === undefined) return undefined;
    const dt = (nowMs - d.sinceMs) / 1000;
    return dt > 0 ? d.delta / dt : undefined;
  }

  /** Increase of `key` since its previous reading with the previous reading's time, or undefined. */
  delta(key: string, value: number, nowMs: number): { delta: number; sinceMs: number } | undefined {
    const prev = this.#prev.get(key);
    this.#prev.set(key, { value, ts: nowMs });
    this.#seen.add(key);
    if (!prev || !Number.isFinite(value) || nowMs <= prev.ts) return undefined;
    const delta = value - prev.value;
    if (delta < 0) return undefined;
    return { delta, sinceMs: prev.ts };
  }

  /** Forgets counters not read since the last sweep (vanished interfaces, exited processes). */
  sweep(): void {
    for (const key of this.#prev.keys()) {
      if (!this.#seen.has(key)) this.#prev.delete(key);
    }
    this.#seen.clear();
  }

  /** Number of counters remembered. */
  get size(): number {
    return this.#prev.size;
  }
}
