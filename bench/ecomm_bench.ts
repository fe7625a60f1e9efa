/**
 * Ecomm throughput on a real PostgreSQL: 2,000 status events decided against a rule and enqueued,
 * then delivered to a local webhook receiver. `deno task bench ecomm` prints
 * `BENCH ecomm_enqueue_events_per_s` and `BENCH ecomm_webhook_deliveries_per_s` (median of 3 runs).
 */
import { median, report } from "./median.ts";
import { startEcomm } from "../server/ecomm/ecomm.ts";
import { openTestStore } from "../tests/helpers/store.ts";
import { addChannel, addRule, startReceiver } from "../tests/ecomm_fixture.ts";

const EVENTS = 2000;
const enqueueRates: number[] = [];
const deliveryRates: number[] = [];

for (let run = 0; run < 3; run++) {
  const store = await openTestStore("postgres");
  const hook = startReceiver();
  const ch = await addChannel(store, "webhook", { url: hook.url });
  await addRule(store, ch);
  const ts = new Date();
  const rows = Array.from({ length: EVENTS }, (_, i) => ({
    ts,
    object_id: `s:${i}`,
    object_name: `svc-${i}`,
    old_state: "OK",
    new_state: "CRITICAL",
    cause: "bench",
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await store.db.insertInto("status_event").values(rows.slice(i, i + 500)).execute();
  }
  const t0 = performance.now();
  const ecomm = startEcomm({ store, pollMs: 5, maxEvents: 500, maxBatch: 200, concurrency: 8 });
  let tEnqueued = 0;
  while (hook.received.length < EVENTS) {
    if (!tEnqueued && ecomm.stats().events >= EVENTS) tEnqueued = performance.now();
    await new Promise((r) => setTimeout(r, 5));
  }
  const t1 = performance.now();
  if (!tEnqueued) tEnqueued = t1;
  enqueueRates.push(EVENTS / ((tEnqueued - t0) / 1000));
  deliveryRates.push(EVENTS / ((t1 - t0) / 1000));
  await ecomm.stop();
  await hook.close();
  await store.close();
}
report("ecomm_enqueue_events_per_s", Math.round(median(enqueueRates)), "events/s");
report("ecomm_webhook_deliveries_per_s", Math.round(median(deliveryRates)), "messages/s");
Deno.exit(0);
