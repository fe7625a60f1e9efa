/**
 * Journal append throughput: 100-byte payloads with fsync "batch" (200 ms), 300,000 appends per run,
 * median of 3 runs, each on a fresh journal in a temp folder.
 * Prints `BENCH journal_appends_per_s <v> records/s` (target ≥ 300,000).
 */
import { Journal } from "../agent/buffer/journal.ts";
import { median, report } from "./median.ts";

const N = 300_000;
const payload = new TextEncoder().encode(
  `{"ts":1700000000000,"samples":[{"key":"cpu.busy_pct","v":1}]}`.padEnd(100),
);

async function run(): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "journal_bench_" });
  try {
    const journal = Journal.open(dir, { fsync: "batch", fsyncIntervalMs: 200, maxBytes: 1 << 30 });
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      journal.append(1, payload);
      // yield now and then, as a real agent does, so the write timer and fsync interval run
      if (i % 10_000 === 0) await new Promise((r) => setTimeout(r, 0));
    }
    journal.flush();
    const seconds = (performance.now() - t0) / 1000;
    journal.close();
    return N / seconds;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

await run(); // warm-up
const rates: number[] = [];
for (let i = 0; i < 3; i++) rates.push(await run());
console.log(`# runs: ${rates.map((r) => Math.round(r)).join(", ")} records/s`);
report("journal_appends_per_s", median(rates), "records/s");
