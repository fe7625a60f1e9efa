/**
 * Collection benchmarks: cost of one pass over every default counter source, formula evaluation and
 * plugin-output parsing throughput, and the footprint of a collection engine left running (default
 * counters every 10 s — well over 50 counters — plus 10 checks) measured from /proc like anchors.md
 * measures node_exporter: RSS from VmRSS, CPU from /proc/PID/schedstat.
 *
 * `deno run -A bench/collect_bench.ts` (the same file runs as the idle child with `--child`).
 */
import { median, report } from "./median.ts";
import { parseAgentConfig } from "@sonde/shared/wire/agent_config";
import { planSources, SOURCE_FACTORIES } from "../agent/collect/sources.ts";
import { compileFormula } from "../agent/collect/formula.ts";
import { parsePluginOutput } from "../agent/check/perfdata.ts";
import { startCollection } from "../agent/collect/scheduler.ts";

const IDLE_WINDOW_MS = 10_000;
const IDLE_WINDOWS = 3;

function idleConfig(tcpPort: number) {
  const checks = [
    ...[1, 2, 3, 4, 5].map((i) => ({
      id: `c${i}`,
      type: "counter",
      intervalMs: "30s",
      params: { key: "load.1", warn: "~:8" },
    })),
    ...[1, 2, 3].map((i) => ({ id: `t${i}`, type: "tcp", intervalMs: "30s", params: { port: tcpPort } })),
    { id: "fs", type: "filesystem", intervalMs: "30s", params: { path: "/", warn: "10:" } },
    { id: "p", type: "process", intervalMs: "30s", params: { match: "deno" } },
  ];
  return parseAgentConfig({ counters: { defaults: true, intervalMs: "10s" }, checks });
}

async function child(): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    for await (const c of listener) c.close();
  })();
  let samples = 0, keys = new Set<string>();
  startCollection(idleConfig((listener.addr as Deno.NetAddr).port), {
    samples: (b) => {
      samples += b.samples.length;
      for (const s of b.samples) keys.add(s.key);
    },
    check: () => {},
  });
  setInterval(() => {
    console.log(JSON.stringify({ samples, counters: keys.size }));
    keys = new Set();
  }, IDLE_WINDOW_MS);
  await new Promise(() => {});
}

async function passMs(): Promise<number> {
  const config = parseAgentConfig({});
  const sources = planSources(config.counters).map((p) => SOURCE_FACTORIES[p.name](config.counters));
  const times: number[] = [];
  for (let i = 0; i < 25; i++) {
    const t0 = performance.now();
    for (const s of sources) await s.collect(Date.now());
    times.push(performance.now() - t0);
  }
  return median(times.slice(5));
}

function perSecond(fn: () => void, n: number): number {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    runs.push(n / ((performance.now() - t0) / 1000));
  }
  return median(runs);
}

async function idleFootprint(): Promise<{ rssMb: number; cpuPct: number; counters: number }> {
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "--child"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const cpuNs = async () => Number((await Deno.readTextFile(`/proc/${proc.pid}/schedstat`)).split(" ")[0]);
  const rss = async () =>
    Number(/VmRSS:\s+(\d+)/.exec(await Deno.readTextFile(`/proc/${proc.pid}/status`))![1]) / 1024;
  const cpu: number[] = [], mem: number[] = [];
  let counters = 0;
  await lines.read(); // first window: start-up and JIT warm-up, not idle
  for (let w = 0; w < IDLE_WINDOWS; w++) {
    const c0 = await cpuNs(), t0 = performance.now();
    const line = await lines.read();
    counters = Math.max(counters, JSON.parse(String(line.value).trim().split("\n").pop()!).counters);
    cpu.push((100 * (await cpuNs() - c0) / 1e6) / (performance.now() - t0));
    mem.push(await rss());
  }
  proc.kill("SIGKILL");
  await proc.status;
  return { rssMb: median(mem), cpuPct: median(cpu), counters };
}

if (Deno.args.includes("--child")) {
  await child();
} else {
  report("collect_pass_ms", await passMs(), "ms");
  const f = compileFormula("100 * (mem.used + [fs./.used]) / (mem.total - -1)");
  const values: Record<string, number> = { "mem.used": 3, "fs./.used": 4, "mem.total": 10 };
  report("formula_evals_per_s", perSecond(() => f.evaluate((k) => values[k]), 200_000), "evals/s");
  const out =
    "DISK OK - free space: / 80743MiB (77% inode=97%);| /=24277680128B;243497277849;257024904396;0;270552530944 'my time'=0.002s;;;0";
  report("plugin_output_parse_per_s", perSecond(() => parsePluginOutput(out), 50_000), "outputs/s");
  const idle = await idleFootprint();
  console.log(`# idle collection: ${idle.counters} counters every 10 s, 10 checks every 30 s`);
  report("collect_idle_rss_mb", idle.rssMb, "MB");
  report("collect_idle_cpu_pct", idle.cpuPct, "%");
}
