/**
 * Counters of processes matched by name or pattern: `proc.<name>.count`, `proc.<name>.cpu_pct` (percent
 * of one core, summed over the matched processes) and `proc.<name>.rss` (bytes, from VmRSS). `match` is
 * a substring of the process name (`comm`, or the basename of argv[0] for names longer than 15 bytes)
 * or `/regex/flags` tested against the full command line.
 * @module
 */
import { type ProcessMatch, toRegExp } from "@sonde/shared/wire/agent_config";
import { type CounterSource, LINUX, type ProcPaths, round, type Sample, sample } from "./source.ts";

/** Kernel clock ticks per second for /proc/PID/stat times (USER_HZ, 100 on every Linux ABI). */
const TICKS_PER_S = 100;

/** One running process. */
export interface ProcInfo {
  pid: number;
  comm: string;
  /** utime + stime, in ticks. */
  ticks: number;
}

/** A compiled matcher: does this process belong to the group? */
export type ProcMatcher = (p: ProcInfo, cmdline: () => Promise<string>) => Promise<boolean>;

/** Compiles a `match` string (substring of the name, or `/regex/` on the command line). */
export function compileMatcher(match: string): ProcMatcher {
  if (/^\/.*\/[a-z]*$/s.test(match)) {
    const re = toRegExp(match);
    return async (_p, cmdline) => re.test(await cmdline());
  }
  return async (p, cmdline) => {
    if (p.comm.includes(match)) return true;
    if (match.length < 15) return false;
    const argv0 = (await cmdline()).split(" ")[0] ?? "";
    return argv0.slice(argv0.lastIndexOf("/") + 1).includes(match);
  };
}

/** Lists processes from `/proc/PID/stat`; processes that exit while being read are skipped. */
export async function listProcesses(paths: ProcPaths = LINUX): Promise<ProcInfo[]> {
  const out: ProcInfo[] = [];
  for await (const entry of Deno.readDir(paths.proc)) {
    if (!/^\d+$/.test(entry.name)) continue;
    let stat: string;
    try {
      stat = await Deno.readTextFile(`${paths.proc}/${entry.name}/stat`);
    } catch {
      continue; // exited between readDir and read: not an error
    }
    const open = stat.indexOf("(");
    const close = stat.lastIndexOf(")");
    const rest = stat.slice(close + 2).split(" ");
    out.push({
      pid: Number(entry.name),
      comm: stat.slice(open + 1, close),
      ticks: Number(rest[11]) + Number(rest[12]),
    });
  }
  return out;
}

async function readOr(path: string, fallback: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return fallback; // the process exited meanwhile
  }
}

/** Count, CPU and RSS of each configured process group. */
export class ProcessSource implements CounterSource {
  readonly name = "process";
  #groups: { name: string; matches: ProcMatcher }[];
  #prevTicks = new Map<number, number>();
  #prevTs = 0;

  constructor(groups: ProcessMatch[], private readonly paths: ProcPaths = LINUX) {
    this.#groups = groups.map((g) => ({ name: g.name, matches: compileMatcher(g.match) }));
  }

  async collect(now: number): Promise<Sample[]> {
    const procs = await listProcesses(this.paths);
    const ticks = new Map<number, number>();
    const out: Sample[] = [];
    const dt = (now - this.#prevTs) / 1000;
    for (const group of this.#groups) {
      let count = 0, rss = 0, used = 0;
      for (const p of procs) {
        const base = `${this.paths.proc}/${p.pid}`;
        let cmd: string | undefined;
        const cmdline = async () =>
          cmd ??= (await readOr(`${base}/cmdline`, "")).replaceAll("\0", " ").trim();
        if (!(await group.matches(p, cmdline))) continue;
        count++;
        ticks.set(p.pid, p.ticks);
        const prev = this.#prevTicks.get(p.pid);
        if (prev !== undefined && p.ticks >= prev) used += p.ticks - prev;
        const vm = /VmRSS:\s+(\d+)\s+kB/.exec(await readOr(`${base}/status`, ""));
        if (vm) rss += Number(vm[1]) * 1024;
      }
      out.push(sample(`proc.${group.name}.count`, count), sample(`proc.${group.name}.rss`, rss, "B"));
      if (this.#prevTs > 0 && dt > 0) {
        out.push(sample(`proc.${group.name}.cpu_pct`, round((100 * used) / TICKS_PER_S / dt, 2), "%"));
      }
    }
    this.#prevTicks = ticks;
    this.#prevTs = now;
    return out;
  }
}
