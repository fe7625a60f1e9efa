/**
 * CPU counters from `/proc/stat` deltas: `cpu.busy_pct`, `cpu.user_pct`, `cpu.system_pct`,
 * `cpu.iowait_pct`, the same per core (`cpu.0.busy_pct`), and `cpu.count`.
 * @module
 */
import { type CounterSource, fields, LINUX, type ProcPaths, round, type Sample, sample } from "./source.ts";

/** Jiffies of one `cpu` line: user nice system idle iowait irq softirq steal. */
interface Jiffies {
  user: number;
  system: number;
  idle: number;
  iowait: number;
  total: number;
}

function parseLine(parts: string[]): Jiffies {
  const n = parts.slice(1, 9).map(Number).concat([0, 0, 0, 0, 0, 0, 0, 0]).slice(0, 8);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = n as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    user: user + nice,
    system: system + irq + softirq,
    idle,
    iowait,
    total: user + nice + system + idle + iowait + irq + softirq + steal,
  };
}

/** CPU usage percentages, total and per core. */
export class CpuSource implements CounterSource {
  readonly name = "cpu";
  #prev = new Map<string, Jiffies>();
  constructor(private readonly paths: ProcPaths = LINUX) {}

  async collect(_now: number): Promise<Sample[]> {
    const text = await Deno.readTextFile(`${this.paths.proc}/stat`);
    const out: Sample[] = [];
    let cores = 0;
    const seen = new Map<string, Jiffies>();
    for (const line of text.split("\n")) {
      if (!line.startsWith("cpu")) continue;
      const parts = fields(line);
      const id = parts[0]!.slice(3);
      if (id !== "") cores++;
      const now = parseLine(parts);
      seen.set(id, now);
      const prev = this.#prev.get(id);
      const dt = prev ? now.total - prev.total : 0;
      if (!prev || dt <= 0 || now.idle < prev.idle || now.user < prev.user) continue;
      const prefix = id === "" ? "cpu" : `cpu.${id}`;
      const pct = (a: number, b: number) => round(Math.min(100, Math.max(0, (100 * (a - b)) / dt)), 2);
      const idle = now.idle + now.iowait - prev.idle - prev.iowait;
      out.push(
        sample(`${prefix}.busy_pct`, round(Math.min(100, Math.max(0, (100 * (dt - idle)) / dt)), 2), "%"),
        sample(`${prefix}.user_pct`, pct(now.user, prev.user), "%"),
        sample(`${prefix}.system_pct`, pct(now.system, prev.system), "%"),
        sample(`${prefix}.iowait_pct`, pct(now.iowait, prev.iowait), "%"),
      );
    }
    this.#prev = seen;
    out.push(sample("cpu.count", cores));
    return out;
  }
}
