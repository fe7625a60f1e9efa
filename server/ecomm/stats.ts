/**
 * Ecomm's counters: what happened to status events and outbox rows since start. Every drop is
 * counted here and visible through `stats()`.
 * @module
 */

/** Counter names and what they count. */
export interface EcommCounts {
  /** Status events fully decided and marked notified. */
  events: number;
  /** Outbox rows added (changes and reminders). */
  enqueued: number;
  /** Ticks an event stayed open because a rule's delay had not passed. */
  deferred: number;
  /** Rule decisions silenced by a maintenance window. */
  silenced: number;
  /** Rule decisions dropped because the state did not persist for the delay. */
  flap: number;
  /** Rule decisions that needed no message (transition not selected, or state already known). */
  unchanged: number;
  /** Messages not enqueued because the outbox held `maxPending` pending rows. */
  dropped: number;
  /** Reminders enqueued while a state persisted. */
  repeated: number;
  /** Deliveries that succeeded. */
  sent: number;
  /** Failed attempts that will be retried. */
  retried: number;
  /** Rows given up (state `failed`). */
  failed: number;
  /** Ticks that threw (database unreachable, ...). */
  tickErrors: number;
}

/** Mutable counters with a snapshot. */
export class EcommStats {
  private readonly c: EcommCounts = {
    events: 0,
    enqueued: 0,
    deferred: 0,
    silenced: 0,
    flap: 0,
    unchanged: 0,
    dropped: 0,
    repeated: 0,
    sent: 0,
    retried: 0,
    failed: 0,
    tickErrors: 0,
  };
  /** Adds `n` to a counter. */
  count(name: keyof EcommCounts, n = 1): void {
    this.c[name] += n;
  }
  /** Adds every counter of `other` (counts of a committed transaction). */
  add(other: EcommStats): void {
    for (const [k, v] of Object.entries(other.c) as [keyof EcommCounts, number][]) this.c[k] += v;
  }
  /** A copy of every counter. */
  snapshot(): EcommCounts {
    return { ...this.c };
  }
}
