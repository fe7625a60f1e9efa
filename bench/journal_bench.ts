/**
 * Journal append throughput: 100-byte payloads with fsync "batch" (200 ms), 300,000 appends per run,
 * median of 3 runs, each on a fresh journal in a temp folder. Then the decoding side of the same
 * bytes (what the Server does with a pull response): the records read back, fed to `RecordDecoder`
 * in 64 KiB chunks, CRC checked.
 * Prints `BENCH journal_appends_per_s <v> records/s` (target ≥ 300,000) and
 * `BENCH record_decode_per_s <v> records/s`.
 */
import { Journal } from "../agent/buffer/journal.ts";
import { RecordDecoder } from "@sonde/shared/wire/record_codec";
import { median, report } from "./median.ts";

const N = 300_000;
const payload = new TextEncoder().encode(
  `{"ts":1700000000000,"samples":[{"key":"cpu.busy_pct","v":1}]}`.padEnd(100),
);

async function run(): Promise<{ appends: number; decodes: number }> {
  const dir = await Deno.makeTempDir({ prefix: "journal_bench_" });
  try {
    const journal = Journal.open(dir, { fsync: "batch", fsyncIntervalMs: 200, maxBytes: 1 << 30 });
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      journal.append(1, payload);
      // yield now and then, as a real agent does, so the write timer and fsync timer run
      if (i % 10_000 === 0) await new Promise((r) => setTimeout(r, 0));
    }
    journal.flush();
    const appends = N / ((performance.now() - t0) / 1000);
    const bytes = journal.read(0, 1 << 30).bytes;
    journal.close();
    const t1 = performance.now();
    const decoder = new RecordDecoder();
    let count = 0;
    for (let o = 0; o < bytes.length; o += 65_536) {
      count += decoder.push(bytes.subarray(o, o + 65_536)).length;
    }
    decoder.end();
    if (count !== N) throw new Error(`decoded ${count} records, expected ${N}`);
    return { appends, decodes: N / ((performance.now() - t1) / 1000) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

await run(); // warm-up
const runs: { appends: number; decodes: number }[] = [];
for (let i = 0; i < 3; i++) runs.push(await run());
console.log(`# appends: ${runs.map((r) => Math.round(r.appends)).join(", ")} records/s`);
console.log(`# decodes: ${runs.map((r) => Math.round(r.decodes)).join(", ")} records/s`);
report("journal_appends_per_s", median(runs.map((r) => r.appends)), "records/s");
report("record_decode_per_s", median(runs.map((r) => r.decodes)), "records/s");
