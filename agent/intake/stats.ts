/**
 * Counters of the intake: what was accepted, dropped and rejected, and why.
 * @module
 */

/** A snapshot of the intake counters. */
export interface IntakeStats {
  /** Events handed to the sink. */
  accepted: number;
  /** Batches handed to the sink. */
  batches: number;
  /** OTLP spans received. */
  spans: number;
  /** OTLP spans skipped for invalid ids. */
  invalidSpans: number;
  /** Events above the wanted level. */
  droppedLevel: number;
  /** Events refused because the sink was full. */
  droppedSink: number;
  /** Rejected requests by reason (`bad_request`, `too_large`, `unsupported_type`, ...). */
  rejected: Record<string, number>;
}

/** Mutable counters behind {@linkcode IntakeStats}. */
export class IntakeCounters {
  accepted = 0;
  batches = 0;
  spans = 0;
  invalidSpans = 0;
  droppedLevel = 0;
  droppedSink = 0;
  readonly #rejected: Record<string, number> = {};

  /** Counts one rejected request. */
  count(reason: string): void {
    this.#rejected[reason] = (this.#rejected[reason] ?? 0) + 1;
  }

  /** A copy of every counter. */
  snapshot(): IntakeStats {
    return {
      accepted: this.accepted,
      batches: this.batches,
      spans: this.spans,
      invalidSpans: this.invalidSpans,
      droppedLevel: this.droppedLevel,
      droppedSink: this.droppedSink,
      rejected: { ...this.#rejected },
    };
  }
}
