/**
 * Duration percentiles of large sets without sorting them: durations fall into logarithmic bins
 * `floor(ln(µs) * BINS_PER_E)` (each bin 1 % wide), counted by a hash aggregate the database can run
 * in parallel; a percentile is interpolated inside its bin the way `percentile_cont` interpolates
 * between rows, so it is within 1 % of the exact value. Counts and error rates stay exact.
 * @module
 */
import { type RawBuilder, sql } from "kysely";

/** Bins per factor e: 100 → each bin spans 1 %. */
export const BINS_PER_E = 100;

/** SQL of the bin of `duration_us`. */
export const BIN_SQL: RawBuilder<number> = sql<number>`floor(ln(greatest(duration_us, 1)) * ${
  sql.lit(BINS_PER_E)
})::int4`;

/** Counts per bin of one set. */
export class DurationHistogram {
  readonly #bins = new Map<number, number>();
  total = 0;

  /** `binsPerE`: bins per factor e of the bin numbers added (100 for {@linkcode BIN_SQL}). */
  constructor(readonly binsPerE: number = BINS_PER_E) {}

  /** Adds `n` durations of bin `bin`. */
  add(bin: number, n: number): void {
    this.#bins.set(bin, (this.#bins.get(bin) ?? 0) + n);
    this.total += n;
  }

  /** The `p` (0..1) percentile in µs, continuous like `percentile_cont`; 0 when empty. */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const bins = [...this.#bins.entries()].sort((a, b) => a[0] - b[0]);
    const rank = p * (this.total - 1); // 0-based position among the sorted values
    const lo = Math.floor(rank);
    const vLo = valueAt(bins, lo, this.binsPerE);
    const vHi = lo + 1 < this.total ? valueAt(bins, lo + 1, this.binsPerE) : vLo;
    return vLo + (vHi - vLo) * (rank - lo);
  }
}

/** Estimate of the `k`-th smallest value: the values of a bin spread evenly across it. */
function valueAt(bins: [number, number][], k: number, binsPerE: number): number {
  let before = 0;
  for (const [bin, n] of bins) {
    if (k < before + n) return Math.exp((bin + (k - before + 0.5) / n) / binsPerE);
    before += n;
  }
  return Math.exp((bins[bins.length - 1]![0] + 1) / binsPerE);
}
