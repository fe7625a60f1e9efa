/**
 * A counting semaphore bounding how many checks run at once. Its wait queue is bounded by the number
 * of configured checks, because the scheduler never queues a check while its previous run is pending.
 * @module
 */

/** Counting semaphore with FIFO waiters. */
export class Semaphore {
  #free: number;
  #waiters: (() => void)[] = [];

  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 1) {
      throw new RangeError(`Semaphore permits must be a positive integer: current value is ${permits}`);
    }
    this.#free = permits;
  }

  /** Waits for a permit; rejects if `signal` aborts first. Call the returned function to release it. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    const release = once(() => this.#release());
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve(release);
      };
      const onAbort = () => {
        this.#waiters = this.#waiters.filter((w) => w !== grant);
        reject(signal?.reason);
      };
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(grant);
    });
  }

  /** Permits not in use. */
  get free(): number {
    return this.#free;
  }

  /** Callers waiting for a permit. */
  get waiting(): number {
    return this.#waiters.length;
  }

  #release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#free++;
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      fn();
    }
  };
}
