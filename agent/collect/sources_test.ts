/**
 * Counter sources against ground truth read independently from /proc, `df` and `nproc`.
 */
import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import type { Sample } from "./source.ts";
import { CpuSource } from "./cpu.ts";
import { DiskSource } from "./disk.ts";
import { FilesystemSource } from "./filesystem.ts";
import { LoadSource } from "./load.ts";
import { MemorySource } from "./memory.ts";
import { NetworkSource } from "./network.ts";
import { ProcessSource } from "./process.ts";
import { SwapSource } from "./swap.ts";
import { UptimeSource } from "./uptime.ts";
import { planSources } from "./sources.ts";

const byKey = (samples: Sample[]) => new Map(samples.map((s) => [s.key, s]));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sh(cmd: string): Promise<string> {
  const out = await new Deno.Command("sh", { args: ["-c", cmd], stdout: "piped" }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

async function meminfoKb(field: string): Promise<number> {
  return Number(await sh(`awk '$1=="${field}:"{print $2}' /proc/meminfo`));
}

Deno.test("memory: mem.total equals /proc/meminfo MemTotal × 1024, used = total − available", async () => {
  const s = byKey(await new MemorySource().collect(Date.now()));
  assertEquals(s.get("mem.total")?.value, (await meminfoKb("MemTotal")) * 1024);
  assertEquals(s.get("mem.total")?.unit, "B");
  const avail = (await meminfoKb("MemAvailable")) * 1024;
  assert(Math.abs(s.get("mem.available")!.value - avail) < 256 * 1024 ** 2, "available within 256 MiB");
  assertEquals(s.get("mem.used")!.value, s.get("mem.total")!.value - s.get("mem.available")!.value);
  for (const k of ["mem.free", "mem.cached", "mem.buffers", "mem.used_pct"]) assert(s.has(k), k);
});

Deno.test("swap: totals match /proc/meminfo", async () => {
  const s = byKey(await new SwapSource().collect(Date.now()));
  assertEquals(s.get("swap.total")?.value, (await meminfoKb("SwapTotal")) * 1024);
});

Deno.test("cpu: cpu.count matches nproc; percentages appear on the second reading and add up", async () => {
  const cpu = new CpuSource();
  const first = byKey(await cpu.collect(Date.now()));
  assertEquals(first.get("cpu.count")?.value, Number(await sh("grep -c '^cpu[0-9]' /proc/stat")));
  assertEquals(first.get("cpu.count")?.value, Number(await sh("nproc --all")));
  assert(!first.has("cpu.busy_pct"), "no rate from one reading");
  const end = Date.now() + 300;
  while (Date.now() < end) Math.sqrt(Math.random()); // burn a little CPU so the delta is not empty
  const s = byKey(await cpu.collect(Date.now()));
  const busy = s.get("cpu.busy_pct")!.value;
  assert(busy > 0 && busy <= 100, `busy ${busy}`);
  assertEquals(s.get("cpu.busy_pct")?.unit, "%");
  const parts = ["user", "system", "iowait"].map((p) => s.get(`cpu.${p}_pct`)!.value);
  assert(parts[0]! + parts[1]! <= busy + 0.1, `user+system ${parts} ≤ busy ${busy}`);
  assert(s.has("cpu.0.busy_pct") && s.has(`cpu.${first.get("cpu.count")!.value - 1}.iowait_pct`));
});

Deno.test("load and uptime: match /proc/loadavg and /proc/uptime", async () => {
  const load = byKey(await new LoadSource().collect(Date.now()));
  const [l1, l5, l15] = (await sh("cat /proc/loadavg")).split(" ").map(Number);
  assert(Math.abs(load.get("load.1")!.value - l1!) < 0.5 && load.get("load.15")!.value === l15, "load");
  assert(load.get("load.5")!.value - l5! < 0.5);
  const up = byKey(await new UptimeSource().collect(Date.now())).get("uptime.s")!;
  assert(Math.abs(up.value - Number(await sh("cut -d' ' -f1 /proc/uptime"))) < 2, "uptime");
  assertEquals(up.unit, "s");
});

Deno.test("filesystem: fs./ figures equal df -B1 for /", async () => {
  const s = byKey(await new FilesystemSource().collect(Date.now()));
  const [size, used, avail] = (await sh("df -B1 --output=size,used,avail / | tail -1")).split(/\s+/).map(
    Number,
  );
  assertEquals(s.get("fs./.total")?.value, size);
  assert(
    Math.abs(s.get("fs./.used")!.value - used!) < 64 * 1024 ** 2,
    "used within 64 MiB (concurrent writes)",
  );
  assert(Math.abs(s.get("fs./.free")!.value - avail!) < 64 * 1024 ** 2, "free within 64 MiB");
  const dfPct = Number((await sh("df --output=pcent / | tail -1")).replace("%", ""));
  assert(Math.abs(s.get("fs./.used_pct")!.value - dfPct) <= 1, `used_pct vs df ${dfPct}`);
  assertEquals(s.get("fs./.used_pct")!.value + s.get("fs./.free_pct")!.value, 100);
  assert(
    ![...s.keys()].some((k) => k.startsWith("fs./proc") || k.startsWith("fs./sys.")),
    "no pseudo filesystems",
  );
});

Deno.test("network: loopback traffic shows as bytes and packets per second", async () => {
  const net = new NetworkSource();
  const t0 = Date.now();
  assertEquals(await net.collect(t0), []);
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    () => new Response("x".repeat(100_000)),
  );
  for (let i = 0; i < 10; i++) await (await fetch(`http://127.0.0.1:${server.addr.port}/`)).arrayBuffer();
  await server.shutdown();
  const s = byKey(await net.collect(Date.now()));
  const rx = s.get("net.lo.rx_bytes_per_s")!;
  assert(rx.value > 0 && rx.unit === "B/s", `lo rx ${rx.value}`);
  assert(s.get("net.lo.tx_packets_per_s")!.value > 0);
  assert(s.has("net.lo.rx_errors_per_s") && s.has("net.lo.tx_drops_per_s"));
});

Deno.test("disk: every whole disk of /sys/block has rates, partitions and loops do not", async () => {
  const disk = new DiskSource();
  await disk.collect(Date.now() - 1000);
  const s = byKey(await disk.collect(Date.now()));
  const disks = (await sh("ls /sys/block")).split(/\s+/).filter((d) => d && !/^(loop|ram|zram)\d/.test(d));
  for (const d of disks) {
    for (const k of ["read_bytes_per_s", "write_bytes_per_s", "read_ops_per_s", "write_ops_per_s"]) {
      const v = s.get(`disk.${d}.${k}`);
      assert(v !== undefined && v.value >= 0, `disk.${d}.${k}`);
    }
  }
  assert(![...s.keys()].some((k) => k.startsWith("disk.loop")), "no loop devices");
});

Deno.test("process: count, CPU and RSS of matched processes (name and /regex/ on the command line)", async () => {
  const marker = `sondetest${Math.floor(Math.random() * 1e6)}`;
  const children = [1, 2, 3].map(() =>
    new Deno.Command("sh", { args: ["-c", `sleep 30 # ${marker}`], stdout: "null" }).spawn()
  );
  try {
    await sleep(100);
    const src = new ProcessSource([{ name: "mine", match: `/${marker}/` }, {
      name: "none",
      match: "no-such-proc-xyz",
    }]);
    await src.collect(Date.now() - 1000);
    const s = byKey(await src.collect(Date.now()));
    assertEquals(s.get("proc.mine.count")?.value, 3);
    assert(s.get("proc.mine.rss")!.value > 100_000, "rss in bytes");
    assertEquals(s.get("proc.mine.cpu_pct")?.unit, "%");
    assertEquals(s.get("proc.none.count")?.value, 0);
    const own = new ProcessSource([{ name: "deno", match: "deno" }]);
    const d = byKey(await own.collect(Date.now()));
    assert(d.get("proc.deno.count")!.value >= 1, "this test's own deno process");
  } finally {
    for (const c of children) c.kill("SIGKILL");
    await Promise.all(children.map((c) => c.status));
  }
});

Deno.test("sources: plan honours defaults, overrides and processes", () => {
  const names = (c: Parameters<typeof planSources>[0]) =>
    planSources(c).map((p) => `${p.name}@${p.intervalMs}`);
  assertEquals(names({ defaults: true, intervalMs: 10_000 }), [
    "cpu@10000",
    "load@10000",
    "memory@10000",
    "swap@10000",
    "filesystem@10000",
    "disk@10000",
    "network@10000",
    "uptime@10000",
  ]);
  assertEquals(
    names({
      defaults: false,
      intervalMs: 5000,
      sources: { cpu: { enabled: true, intervalMs: 1000 }, memory: { enabled: true } },
      processes: [{ name: "x", match: "x" }],
    }),
    ["cpu@1000", "memory@5000", "process@5000"],
  );
});
