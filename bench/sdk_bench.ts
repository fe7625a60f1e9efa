/**
 * Cost of the telemetry SDK in the application thread: building events, queueing them and serializing
 * the batches (the POST itself is replaced by a no-op fetch so only the application's share is timed).
 * Each request: ENTER with 2 params, a section (ENTER/LEAVE), one event with a param, LEAVE = 5 events.
 * Prints `BENCH sdk_ns_per_event <v> ns/event` (median of 7 runs).
 */
import { createSonde } from "../sdk/mod.ts";
import { median, report } from "./median.ts";

const REQUESTS = 40_000;
const EVENTS_PER_REQUEST = 5;

async function run(): Promise<number> {
  const sonde = createSonde({
    app: { appName: "bench", appId: "1", appTierName: "web", appTierId: "web-1" },
    maxQueue: 1_000_000,
    batchSize: 1000,
    fetch: () => Promise.resolve(new Response(null, { status: 200 })),
  });
  const t0 = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    const req = sonde.startRequest("GET /api/orders", { params: { user: "alice", items: i & 15 } });
    const s = req.startSection("db.query", { module: "db" });
    s.event("rows fetched", { params: { rows: 12 } });
    s.end();
    req.end();
  }
  await sonde.flush();
  const ms = performance.now() - t0;
  const st = sonde.stats();
  if (st.sent !== REQUESTS * EVENTS_PER_REQUEST) throw new Error(`sent ${st.sent}, dropped ${st.dropped}`);
  await sonde.close();
  return (ms * 1e6) / (REQUESTS * EVENTS_PER_REQUEST);
}

await run(); // warm-up
const runs: number[] = [];
for (let i = 0; i < 7; i++) runs.push(await run());
report("sdk_ns_per_event", median(runs), "ns/event");
