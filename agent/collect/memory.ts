/**
 * Memory counters from `/proc/meminfo`, in bytes: `mem.total`, `mem.used` (total − available, as
 * `free` shows it since procps 3.3.10 and as the kernel's `MemAvailable` intends), `mem.available`,
 * `mem.free`, `mem.cached`, `mem.buffers`, and `mem.used_pct`.
 * @module
 */
import { readMeminfo } from "./meminfo.ts";
import { type CounterSource, LINUX, type ProcPaths, round, type Sample, sample } from "./source.ts";

/** Physical memory use. */
export class MemorySource implements CounterSource {
  readonly name = "memory";
  constructor(private readonly paths: ProcPaths = LINUX) {}

  async collect(_now: number): Promise<Sample[]> {
    const m = await readMeminfo(this.paths);
    const total = m.get("MemTotal");
    if (total === undefined || total <= 0) return [];
    const free = m.get("MemFree") ?? 0;
    const available = m.get("MemAvailable") ?? free + (m.get("Cached") ?? 0) + (m.get("Buffers") ?? 0);
    const used = Math.max(0, total - available);
    return [
      sample("mem.total", total, "B"),
      sample("mem.used", used, "B"),
      sample("mem.available", available, "B"),
      sample("mem.free", free, "B"),
      sample("mem.cached", m.get("Cached") ?? 0, "B"),
      sample("mem.buffers", m.get("Buffers") ?? 0, "B"),
      sample("mem.used_pct", round((100 * used) / total, 2), "%"),
    ];
  }
}
