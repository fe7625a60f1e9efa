/**
 * Disk counters for every whole block device in `/sys/block` (loop and ram devices skipped), from
 * `/proc/diskstats`: `disk.<dev>.read_bytes_per_s`, `.write_bytes_per_s`, `.read_ops_per_s`,
 * `.write_ops_per_s` and `.busy_pct` (share of time with I/O in flight). Sectors are 512 bytes.
 * @module
 */
import { RateTracker } from "./rate.ts";
import { type CounterSource, fields, LINUX, type ProcPaths, round, type Sample, sample } from "./source.ts";

/** Reads and writes per second of every disk. */
export class DiskSource implements CounterSource {
  readonly name = "disk";
  #rates = new RateTracker();
  constructor(private readonly paths: ProcPaths = LINUX) {}

  async #disks(): Promise<Set<string>> {
    const out = new Set<string>();
    for await (const entry of Deno.readDir(`${this.paths.sys}/block`)) {
      if (!/^(loop|ram|zram)\d/.test(entry.name)) out.add(entry.name);
    }
    return out;
  }

  async collect(now: number): Promise<Sample[]> {
    const disks = await this.#disks();
    const text = await Deno.readTextFile(`${this.paths.proc}/diskstats`);
    const out: Sample[] = [];
    for (const line of text.split("\n")) {
      const f = fields(line);
      const name = f[2];
      if (!name || !disks.has(name) || f.length < 14) continue;
      const n = f.map(Number);
      const k = `disk.${name}`;
      const push = (key: string, value: number, unit: string, scale = 1) => {
        const r = this.#rates.rate(key, value, now);
        if (r !== undefined) out.push(sample(key, round(r * scale, 2), unit));
      };
      push(`${k}.read_ops_per_s`, n[3]!, "1/s");
      push(`${k}.read_bytes_per_s`, n[5]! * 512, "B/s");
      push(`${k}.write_ops_per_s`, n[7]!, "1/s");
      push(`${k}.write_bytes_per_s`, n[9]! * 512, "B/s");
      // io_ticks is in ms: ms of I/O per second of wall time / 10 = percent busy
      const busy = this.#rates.rate(`${k}.io_ms`, n[12]!, now);
      if (busy !== undefined) out.push(sample(`${k}.busy_pct`, round(Math.min(100, busy / 10), 2), "%"));
    }
    this.#rates.sweep();
    return out;
  }
}
