/**
 * Reference counts of pending rows: a row may be deleted once no open request holds events from it.
 * @module
 */

/** Pending row id → number of open requests holding events from it. */
export class PendingRefs {
  readonly #refs = new Map<number, number>();
  /** Rows no request holds any more, to delete at the next flush. */
  #free: number[] = [];
  /** How many of `#free` the last `releasable` handed out (rows freed meanwhile stay for the next flush). */
  #taken = 0;

  /** Registers a row held by `holders` requests (0 → free at once). */
  add(id: number, holders: number): void {
    if (holders > 0) this.#refs.set(id, holders);
    else this.#free.push(id);
  }

  /** The rows that become free when requests holding `ids` (one entry per request and row) are written. */
  releasable(ids: number[]): number[] {
    const counts = new Map<number, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    const out = [...this.#free];
    this.#taken = this.#free.length;
    for (const [id, n] of counts) if ((this.#refs.get(id) ?? 0) <= n) out.push(id);
    return out;
  }

  /** Applies a successful write of requests holding `ids`; forgets the freed rows. */
  release(ids: number[]): void {
    this.#free.splice(0, this.#taken);
    this.#taken = 0;
    for (const id of ids) {
      const n = (this.#refs.get(id) ?? 1) - 1;
      if (n <= 0) this.#refs.delete(id);
      else this.#refs.set(id, n);
    }
  }

  /** Rows still referenced. */
  get size(): number {
    return this.#refs.size;
  }
}
