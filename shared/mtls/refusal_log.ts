/**
 * Log lines for refused mTLS connections, one per (fingerprint, peer host) and minute at most, with a
 * count of the refusals that were not logged in between. Memory is bounded.
 *
 * @module
 */
import type { Logger } from "../log.ts";

const WINDOW_MS = 60_000;
const MAX_KEYS = 1024;

/** Rate-limited logging of refused client certificates. */
export class RefusalLog {
  #seen = new Map<string, { at: number; suppressed: number }>();
  /** Every refusal, logged or not. */
  total = 0;

  constructor(private readonly log: Logger, private readonly windowMs = WINDOW_MS) {}

  /** Records a refusal of `fingerprint` (undefined: no client certificate) from `peer` (`host:port`). */
  refused(fingerprint: string | undefined, peer: string): void {
    this.total++;
    const host = peer.replace(/:\d+$/, "");
    const key = `${fingerprint ?? "-"}|${host}`;
    const now = Date.now();
    const entry = this.#seen.get(key);
    if (entry && now - entry.at < this.windowMs) {
      entry.suppressed++;
      return;
    }
    if (this.#seen.size >= MAX_KEYS) this.#seen.clear();
    this.#seen.set(key, { at: now, suppressed: 0 });
    const fields = { fingerprint: fingerprint ?? null, peer, suppressed: entry?.suppressed ?? 0 };
    if (fingerprint) {
      this.log.warn(`refused client certificate ${fingerprint} from ${peer}: not trusted`, fields);
    } else this.log.warn(`refused connection from ${peer}: no client certificate`, fields);
  }
}
