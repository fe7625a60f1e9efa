import { assertEquals } from "../../tests/helpers/assert.ts";
import { logSink } from "@sonde/shared/log";
import type { RequestRow } from "@sonde/shared/api";
import { LiveHub } from "./live_hub.ts";

logSink.level = "error";
const row = (n: number): RequestRow => ({
  requestId: String(n).padStart(32, "0"),
  startTs: n,
  durationUs: 1,
  status: "ok",
  agents: [],
  applications: [],
  columns: {},
});

Deno.test("live hub: bounded ring, each row once per subscriber, pool filter, failing subscriber counted", async () => {
  const hub = new LiveHub({ capacity: 3 });
  const a: number[] = [], b: number[] = [];
  hub.subscribe(1, (r) => a.push(r.startTs));
  hub.subscribe(null, (r) => b.push(r.startTs));
  hub.subscribe(null, () => {
    throw new Error("broken client");
  });
  for (let i = 1; i <= 5; i++) hub.publish(i % 2 ? 1 : 2, row(i));
  assertEquals(hub.publish(1, row(5)), false, "a repeat is dropped");
  assertEquals(a, [1, 3, 5]);
  assertEquals(b, [1, 2, 3, 4, 5]);
  assertEquals(hub.recent(null, 10).map((r) => r.startTs), [5, 4, 3]);
  assertEquals(hub.recent(1, 10).map((r) => r.startTs), [5, 3]);
  assertEquals([hub.stats.published, hub.stats.duplicates, hub.stats.evicted, hub.stats.callbackErrors], [
    5,
    1,
    2,
    5,
  ]);
  await hub.stop();
});
