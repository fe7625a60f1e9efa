/** Swap counters from `/proc/meminfo`: `swap.total`, `swap.used`, `swap.free` (bytes), `swap.used_pct`. @module */
import { readMeminfo } from "./meminfo.ts";
import { type CounterSource, LINUX, type ProcPaths, round, type Sample, sample } from "./source.ts";

/** Swap use; `swap.used_pct` only when there is swap. */
export class SwapSource implements CounterSource {
  readonly name = "swap";
  constructor(private readonly paths: ProcPaths = LINUX) {}

  async collect(_now: number): Promise<Sample[]> {
    const m = await readMeminfo(this.paths);
    const total = m.get("SwapTotal") ?? 0;
    const free = m.get("SwapFree") ?? 0;
    const used = Math.max(0, total - free);
    const out = [
      sample("swap.total", total, "B"),
      sample("swap.used", used, "B"),
      sample("swap.free", free, "B"),
    ];
    if (total > 0) out.push(sample("swap.used_pct", round((100 * used) / total, 2), "%"));
    return out;
  }
}
