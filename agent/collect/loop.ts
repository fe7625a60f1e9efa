/**
 * A repeating task that never overlaps itself: the next run is scheduled when the current one ends,
 * keeping the cadence (a run that takes longer than the interval delays the next, it is not doubled).
 * @module
 */

/** A periodic task with a jittered first run. */
export class Loop {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #controller = new AbortController();

  /** Starts the loop: first run after `firstDelayMs`, then every `intervalMs` measured start to start. */
  constructor(
    private readonly intervalMs: number,
    firstDelayMs: number,
    private readonly task: (stop: AbortSignal) => Promise<void>,
  ) {
    this.#timer = setTimeout(() => this.#tick(), firstDelayMs);
  }

  #tick(): void {
    if (this.#controller.signal.aborted) return;
    const started = performance.now();
    this.#running = this.task(this.#controller.signal)
      .catch(() => {/* tasks handle and count their own errors */})
      .finally(() => {
        this.#running = undefined;
        if (this.#controller.signal.aborted) return;
        const wait = Math.max(0, this.intervalMs - (performance.now() - started));
        this.#timer = setTimeout(() => this.#tick(), wait);
      });
  }

  /** Stops scheduling, aborts a running task and waits for it to end. */
  stop(): Promise<void> {
    this.#controller.abort(new Error("cancelled: the loop was stopped"));
    clearTimeout(this.#timer);
    return this.#running ?? Promise.resolve();
  }
}
