import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { BINS_PER_E, DurationHistogram } from "./duration_histogram.ts";

function exact(sorted: number[], p: number): number {
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

Deno.test("histogram percentiles stay within 1 % of percentile_cont on skewed durations", () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (const n of [50, 1000, 100_000]) {
    const values = Array.from({ length: n }, () => Math.floor(Math.exp(6 + rand() * 7)));
    const hist = new DurationHistogram();
    for (const v of values) hist.add(Math.floor(Math.log(Math.max(v, 1)) * BINS_PER_E), 1);
    const sorted = [...values].sort((a, b) => a - b);
    assertEquals(hist.total, n);
    for (const p of [0.5, 0.95, 0.99]) {
      const want = exact(sorted, p);
      const got = hist.percentile(p);
      assert(Math.abs(got - want) / want <= 0.011, `n=${n} p=${p}: ${got} vs ${want}`);
    }
  }
  assertEquals(new DurationHistogram().percentile(0.5), 0);
});
