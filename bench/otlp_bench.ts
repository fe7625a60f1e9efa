/**
 * OTLP/HTTP intake throughput: protobuf bodies of a realistic exporter batch (100 requests × 5 nested
 * spans with 4 attributes each = 1000 events, about 60 KB) posted on loopback by 4 concurrent clients
 * in the same process, decoded, converted to events and handed to a counting sink.
 * Prints `BENCH otlp_intake_events_per_s <v> events/s` (median of 5 runs of 2 s).
 */
import { logSink } from "../shared/log.ts";
import { startIntake } from "../agent/intake/intake.ts";
import { realisticBody } from "../agent/intake/proto_fixture.ts";
import { median, report } from "./median.ts";

logSink.level = "warn";
let received = 0;
const intake = await startIntake({
  listen: { port: 0 },
  sink: { events: (b) => ((received += b.events.length), true) },
});
const url = `http://127.0.0.1:${intake.port}/v1/traces`;
const bodies = Array.from({ length: 8 }, () => realisticBody(100, 5));

async function run(ms: number): Promise<number> {
  const start = received;
  const t0 = performance.now();
  const client = async (k: number) => {
    for (let i = k; performance.now() - t0 < ms; i++) {
      const res = await fetch(url, {
        method: "POST",
        body: bodies[i % bodies.length],
        headers: { "content-type": "application/x-protobuf" },
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`intake answered ${res.status}`);
    }
  };
  await Promise.all([0, 1, 2, 3].map(client));
  return (received - start) / ((performance.now() - t0) / 1000);
}

await run(500);
const runs: number[] = [];
for (let i = 0; i < 5; i++) runs.push(await run(2000));
console.log(
  `# body ${bodies[0]!.length} bytes, ${intake.stats().rejected ? "" : ""}rejected ${
    JSON.stringify(intake.stats().rejected)
  }`,
);
report("otlp_intake_events_per_s", median(runs), "events/s");
await intake.stop();
