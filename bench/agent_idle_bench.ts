/**
 * Idle footprint of a real agent process: the default counter set (about 70 counters on a 2-core
 * host with 4 interfaces; at least 50) every 10 s and 10 checks every 10 s (4 TCP, 3 filesystem,
 * 2 counter-threshold, 1 Nagios command), telemetry intake listening, no server. After 15 s to settle, RSS of the process tree
 * (`ps -o rss=`) is sampled every 5 s for 60 s (median), and CPU is the utime+stime (+ waited children)
 * delta from /proc/PID/stat over the same 60 s, as percent of one core.
 * Prints `BENCH agent_idle_rss_mb` (target ≤ 80) and `BENCH agent_idle_cpu_pct` (target ≤ 1).
 */
import { startAgentProcess } from "../tests/agent_process.ts";
import { median, report } from "./median.ts";

const SETTLE_MS = 15_000;
const MEASURE_MS = 60_000;
const CLK_TCK = 100;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const statusPort = freePort();
const every = 10_000;
const check = (id: string, type: string, params: Record<string, unknown>) => ({
  id,
  type,
  intervalMs: every,
  timeoutMs: 5000,
  params,
});
const collect = {
  version: 1,
  counters: { defaults: true, intervalMs: every },
  checks: [
    ...[0, 1, 2, 3].map((i) => check(`tcp${i}`, "tcp", { host: "127.0.0.1", port: statusPort })),
    ...["/", "/tmp", "/var"].map((p, i) =>
      check(`fs${i}`, "filesystem", { path: p, warn: "10:", crit: "5:" })
    ),
    check("cpu", "counter", { key: "cpu.busy_pct", warn: "90", crit: "98" }),
    check("mem", "counter", { key: "mem.used_pct", warn: "90", crit: "98" }),
    check("true", "command", { command: ["/bin/true"] }),
  ],
};

const tmp = await Deno.makeTempDir({ prefix: "agent_idle_bench_" });
await Deno.writeTextFile(`${tmp}/agent.json`, JSON.stringify({ collect }));
const agent = await startAgentProcess(`${tmp}/etc`, `${tmp}/data`, [
  "--config",
  `${tmp}/agent.json`,
  "--status-listen",
  `127.0.0.1:${statusPort}`,
  "--intake",
  "true",
  "--intake-listen",
  "127.0.0.1:0",
]);
const pid = agent.pid;

function cpuTicks(): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[11..14] are utime, stime, cutime, cstime (fields 14–17 of proc(5))
  return [11, 12, 13, 14].reduce((n, i) => n + Number(fields[i]), 0);
}

async function treeRssKb(): Promise<number> {
  const out = await new Deno.Command("ps", {
    args: ["-o", "rss=", "--pid", String(pid), "--ppid", String(pid)],
  })
    .output();
  return new TextDecoder().decode(out.stdout).split(/\s+/).filter(Boolean).reduce((n, v) => n + Number(v), 0);
}

try {
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const t0 = performance.now();
  const c0 = cpuTicks();
  const rss: number[] = [];
  while (performance.now() - t0 < MEASURE_MS) {
    rss.push(await treeRssKb());
    await new Promise((r) => setTimeout(r, 5000));
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpuPct = ((cpuTicks() - c0) / CLK_TCK) / seconds * 100;
  console.log(`# pid ${pid}, ${collect.checks.length} checks, RSS samples (KiB): ${rss.join(" ")}`);
  report("agent_idle_rss_mb", median(rss) / 1024, "MB");
  report("agent_idle_cpu_pct", cpuPct, "%");
} finally {
  await agent.stop();
  await Deno.remove(tmp, { recursive: true });
}
