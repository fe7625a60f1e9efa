import { logSink } from "../shared/log.ts";
import { ValidationError } from "../shared/errors.ts";
import type { RequestRow } from "../shared/wire/api.ts";
import { storeTest } from "./helpers/store.ts";
import { assert, assertEquals, assertRejects } from "./helpers/assert.ts";
import { createWorker } from "../worker/worker.ts";
import { rollupBuckets, SLOT_MS } from "../worker/query/statistics.ts";
import { fixtureAssembler, fixtureSpecs, insertAgents, rid, T0_US } from "./worker_fixture.ts";

logSink.level = "error";
const FROM = T0_US / 1000;
const TO = FROM + 3_600_000;

async function setup(store: Parameters<Parameters<typeof storeTest>[1]>[0]) {
  const dataDir = await Deno.makeTempDir({ prefix: "sonde-worker-" });
  await insertAgents(store);
  const fx = await fixtureAssembler(store, dataDir);
  const specs = fixtureSpecs();
  await fx.write(specs);
  const worker = createWorker({ store, dataDir, livePollMs: 0, sessionSweepMs: 0 });
  return { dataDir, fx, specs, worker };
}

const ids = (rows: RequestRow[]) => rows.map((r) => r.requestId);

storeTest("research filters, searches, sorts and pages exactly", async (store) => {
  const { worker, specs, fx, dataDir } = await setup(store);
  const base = { pool: 1, from: FROM, to: TO, limit: 100 };
  const all = await worker.requests(base);
  assertEquals(ids(all.rows), specs.map((s) => s.id).reverse(), "newest first by default");
  assertEquals(all.nextCursor, undefined);
  const first = all.rows.find((r) => r.requestId === rid(1))!;
  assertEquals(first.agents, ["host-a", "host-b"]);
  assertEquals([...first.applications].sort(), ["billing 7", "shop 1"]);
  assertEquals(first.columns, { user: "alice", url: "/api/orders/17" });

  const errors = await worker.requests({ ...base, status: "error" });
  assertEquals(ids(errors.rows).sort(), specs.filter((s) => s.status === "error").map((s) => s.id).sort());
  const alice = await worker.requests({ ...base, q: "alice" });
  assertEquals(ids(alice.rows).sort(), specs.filter((s) => s.user === "alice").map((s) => s.id).sort());
  const orders17 = await worker.requests({ ...base, q: "orders/17" });
  assertEquals(
    ids(orders17.rows).sort(),
    specs.filter((s) => s.url === "/api/orders/17").map((s) => s.id).sort(),
  );
  // prefixes, any case, all words: "INV" matches "invoice" (billing tier events), "car" matches carol
  const prefix = await worker.requests({ ...base, q: "INV car" });
  assertEquals(
    ids(prefix.rows).sort(),
    specs.filter((s) => s.user === "carol" && s.billing).map((s) => s.id).sort(),
  );
  // event texts are searchable too: "invoice" appears only in the billing tier's events, "failed" only
  // in the LEAVE event of requests with a warning or an error
  const invoice = await worker.requests({ ...base, q: "invoice" });
  assertEquals(ids(invoice.rows).sort(), specs.filter((s) => s.billing).map((s) => s.id).sort());
  const failed = await worker.requests({ ...base, q: "failed" });
  assertEquals(ids(failed.rows).sort(), specs.filter((s) => s.status !== "ok").map((s) => s.id).sort());
  const billing = await worker.requests({ ...base, app: "billing" });
  assertEquals(ids(billing.rows).sort(), specs.filter((s) => s.billing).map((s) => s.id).sort());
  const hostB = await worker.requests({ ...base, agent: "host-b" });
  assertEquals(ids(hostB.rows).sort(), specs.filter((s) => s.billing).map((s) => s.id).sort());
  assertEquals((await worker.requests({ ...base, agent: "nobody" })).rows, []);
  const bob = await worker.requests({ ...base, columns: { user: "bob" } });
  assertEquals(ids(bob.rows).sort(), specs.filter((s) => s.user === "bob").map((s) => s.id).sort());
  const slow = await worker.requests({ ...base, minDurationUs: 50_000 });
  assertEquals(ids(slow.rows).sort(), specs.filter((s) => s.durationMs >= 50).map((s) => s.id).sort());

  for (const sort of ["start", "-start", "duration", "-duration"] as const) {
    const full = await worker.requests({ ...base, sort });
    const paged: RequestRow[] = [];
    let cursor: string | undefined;
    do {
      const page = await worker.requests({ ...base, sort, limit: 5, cursor });
      assert(page.rows.length <= 5);
      paged.push(...page.rows);
      cursor = page.nextCursor;
    } while (cursor);
    assertEquals(ids(paged), ids(full.rows), `paging by ${sort}`);
    const key = (r: RequestRow) => sort.endsWith("duration") ? r.durationUs : r.startTs;
    const keys = full.rows.map(key);
    const sorted = [...keys].sort((a, b) => sort.startsWith("-") ? b - a : a - b);
    assertEquals(keys, sorted, `order by ${sort}`);
  }
  const e = await assertRejects(() => worker.requests({ pool: 0, from: TO, to: FROM, limit: 5000 }));
  assert(e instanceof ValidationError);
  assertEquals((e as ValidationError).problems.length, 3);
  await assertRejects(() => worker.requests({ ...base, cursor: "garbage" }), "cursor");
  await fx.assembler.stop();
  await worker.stop();
  await Deno.remove(dataDir, { recursive: true });
});

storeTest("request detail returns every event and the span tree", async (store) => {
  const { worker, specs, fx, dataDir } = await setup(store);
  const spec = specs[0]!;
  const d = await worker.request(1, spec.id);
  assertEquals(d.row.requestId, spec.id);
  assertEquals(d.events.length, 7);
  assertEquals(d.events.map((e) => e.agent), [
    "host-a",
    "host-a",
    "host-a",
    "host-b",
    "host-b",
    "host-a",
    "host-a",
  ]);
  const tsSorted = d.events.map((e) => e.tsUs);
  assertEquals(tsSorted, [...tsSorted].sort((a, b) => a - b));
  assertEquals(d.tree!.length, 1);
  const root = d.tree![0]!;
  assertEquals([root.text, root.durationUs, root.app, root.children.length], [
    `GET ${spec.url}`,
    spec.durationMs * 1000,
    "shop 1/web/web-1",
    1,
  ]);
  const mid = root.children[0]!;
  assertEquals([mid.text, mid.pid, mid.tid, mid.module, mid.children.map((c) => c.text)], [
    "handle order",
    200,
    7,
    "api",
    ["select invoice"],
  ]);
  assert(d.events.some((e) => e.flags === 4 && e.text === "wait for lock"), "wait event kept");
  assertEquals(d.events[0]!.params, [{ name: "user", type: "string", value: spec.user }, {
    name: "url",
    type: "string",
    value: spec.url,
  }]);
  const err = specs.find((s) => s.status === "error")!;
  assertEquals((await worker.request(1, err.id)).tree![0]!.children[0]!.status, "error");
  await assertRejects(() => worker.request(1, rid(999)), "Cannot find request");
  await assertRejects(() => worker.request(1, "nope"), "requestId");
  await fx.assembler.stop();
  await worker.stop();
  await Deno.remove(dataDir, { recursive: true });
});

storeTest("statistics count, rate errors, take percentiles and group", async (store) => {
  const { worker, specs, fx, dataDir } = await setup(store);
  const st = await worker.statistics({ pool: 1, from: FROM, to: TO, bucketMs: 1_800_000, groupBy: "status" });
  assertEquals(st.buckets.map((b) => b.count), [6, 6]);
  const firstHalf = specs.slice(0, 6);
  assertEquals(st.buckets[0]!.errorRate, firstHalf.filter((s) => s.status === "error").length / 6);
  const durs = firstHalf.map((s) => s.durationMs * 1000).sort((a, b) => a - b);
  assertEquals(st.buckets[0]!.p50Us, (durs[2]! + durs[3]!) / 2);
  assert(st.buckets[0]!.p99Us <= durs[5]! && st.buckets[0]!.p99Us >= st.buckets[0]!.p95Us);
  assertEquals(st.topSlow[0]!.durationUs, Math.max(...specs.map((s) => s.durationMs * 1000)));
  const byStatus = Object.fromEntries(st.groups.map((g) => [g.key, g.count]));
  assertEquals(byStatus.error, specs.filter((s) => s.status === "error").length);
  const byApp = await worker.statistics({ pool: 1, from: FROM, to: TO, bucketMs: 3_600_000, groupBy: "app" });
  assertEquals(Object.fromEntries(byApp.groups.map((g) => [g.key, g.count])), {
    "shop 1": 12,
    "billing 7": specs.filter((s) => s.billing).length,
  });
  const byAgent = await worker.statistics({
    pool: 1,
    from: FROM,
    to: TO,
    bucketMs: 3_600_000,
    groupBy: "agent",
  });
  assertEquals(byAgent.groups.map((g) => g.key).sort(), ["host-a", "host-b"]);
  const byUser = await worker.statistics({
    pool: 1,
    from: FROM,
    to: TO,
    bucketMs: 3_600_000,
    groupBy: "user",
  });
  assertEquals(byUser.groups.map((g) => [g.key, g.count]).sort(), [["alice", 4], ["bob", 4], ["carol", 4]]);
  // the rollup kept by the insert trigger agrees with the rows
  const aligned = { pool: 1, from: Math.floor(FROM / SLOT_MS) * SLOT_MS, to: 0, bucketMs: 1_800_000 };
  aligned.to = aligned.from + 2 * 3_600_000;
  const exact = (await worker.statistics(aligned)).buckets;
  const rolled = await rollupBuckets(store.db, aligned);
  assertEquals(rolled.reduce((n, b) => n + b.count, 0), 12);
  assertEquals(
    rolled.map((b) => [b.ts, b.count, b.errorRate]),
    exact.map((b) => [b.ts, b.count, b.errorRate]),
  );
  for (const [i, b] of rolled.entries()) {
    for (const k of ["p50Us", "p95Us", "p99Us"] as const) {
      assert(Math.abs(b[k] - exact[i]![k]) / exact[i]![k] <= 0.021, `${k}: ${b[k]} vs ${exact[i]![k]}`);
    }
  }
  await assertRejects(
    () => worker.statistics({ pool: 1, from: FROM, to: FROM + 3 * 3_600_000, bucketMs: 1000 }),
    "buckets",
  );
  await fx.assembler.stop();
  await worker.stop();
  await Deno.remove(dataDir, { recursive: true });
});
