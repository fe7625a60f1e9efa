/**
 * Pull throughput: a real agent process serves a journal of 300,000 records with 100-byte payloads;
 * one kept-alive mTLS connection pulls it all in 4 MiB pages and decodes every record (as the Server
 * does). Three full passes (no ack in between), median.
 * Prints `BENCH pull_records_per_s <v> records/s` (target ≥ 100,000).
 */
import { Journal } from "../agent/buffer/journal.ts";
import { createMtlsClient } from "@sonde/shared/mtls";
import { ensureServiceIdentity } from "@sonde/shared/trust";
import { RecordDecoder } from "@sonde/shared/wire/record_codec";
import { startAgentProcess } from "../tests/agent_process.ts";
import { median, report } from "./median.ts";

const N = 300_000;
const PAGE = 4 * 1024 * 1024;
const tmp = await Deno.makeTempDir({ prefix: "pull_bench_" });
const payload = new TextEncoder().encode(
  `{"ts":1700000000000,"samples":[{"key":"cpu.busy_pct","v":1}]}`.padEnd(100),
);
const journal = Journal.open(`${tmp}/data/agent/journal`, { fsync: "never", maxBytes: 1 << 30 });
for (let i = 0; i < N; i++) journal.append(1, payload);
journal.close();

const agent = await startAgentProcess(`${tmp}/etc`, `${tmp}/data`, ["--journal-max-bytes", "1GiB"]);
const server = await ensureServiceIdentity(`${tmp}/etc`, "server");
const agentId = await ensureServiceIdentity(`${tmp}/etc`, "agent");
const client = createMtlsClient({
  identity: server,
  pin: agentId.server.fingerprint,
  maxSocketsPerOrigin: 1,
});
const base = `https://127.0.0.1:${agent.pullPort}`;

async function pass(): Promise<number> {
  const t0 = performance.now();
  let after = 0;
  let count = 0;
  for (;;) {
    const res = await client.request(`${base}/v1/records?after=${after}&maxBytes=${PAGE}`);
    const decoder = new RecordDecoder();
    const records = decoder.push(res.body);
    decoder.end();
    if (records.length === 0) break;
    count += records.length;
    after = records[records.length - 1]!.seq;
  }
  const seconds = (performance.now() - t0) / 1000;
  if (count < N) throw new Error(`pulled ${count} records, expected at least ${N}`);
  return count / seconds;
}

try {
  await pass(); // warm-up (connection, JIT, page cache)
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) rates.push(await pass());
  console.log(`# runs: ${rates.map((r) => Math.round(r)).join(", ")} records/s`);
  report("pull_records_per_s", median(rates), "records/s");
} finally {
  client.close();
  await agent.stop();
  await Deno.remove(tmp, { recursive: true });
}
