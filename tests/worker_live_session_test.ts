import { logSink } from "../shared/log.ts";
import type { RequestRow } from "../shared/wire/api.ts";
import { storeTest } from "./helpers/store.ts";
import { assert, assertEquals, assertRejects } from "./helpers/assert.ts";
import { createWorker } from "../worker/worker.ts";
import {
  fixtureAssembler,
  type FixtureSpec,
  fixtureSpecs,
  insertAgents,
  rid,
  T0_US,
} from "./worker_fixture.ts";

logSink.level = "error";

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Specs starting `offsetMs` after now. */
function nowSpecs(
  from: number,
  n: number,
  offsetMs: number,
  extra: Partial<FixtureSpec> = {},
): FixtureSpec[] {
  const base = Date.now() - T0_US / 1000 + offsetMs;
  return Array.from({ length: n }, (_, i) => ({
    id: rid(from + i),
    atMs: base + i,
    durationMs: 5,
    user: i % 2 === 0 ? "alice" : "bob",
    url: "/api/cart",
    status: "ok" as const,
    billing: i % 3 === 0,
    ...extra,
  }));
}

storeTest("live view delivers each finished request once to several subscribers", async (store) => {
  const dataDir = await Deno.makeTempDir({ prefix: "sonde-worker-" });
  await insertAgents(store);
  const fx = await fixtureAssembler(store, dataDir);
  await fx.write(fixtureSpecs()); // before the worker starts: not live
  const worker = createWorker({ store, dataDir, livePollMs: 30, sessionSweepMs: 0 });
  const got: RequestRow[][] = [[], [], []];
  const stops = [
    worker.live(1, (r) => got[0]!.push(r)),
    worker.live(1, (r) => got[1]!.push(r)),
    worker.live(null, (r) => got[2]!.push(r)),
  ];
  await until(() => worker.liveStats().subscribers === 3);
  await new Promise((r) => setTimeout(r, 100)); // the poller positions itself at the newest row
  const specs = nowSpecs(100, 25, -1000);
  await fx.write(specs.slice(0, 10));
  await new Promise((r) => setTimeout(r, 60));
  await fx.write(specs.slice(10));
  await until(() => got.every((g) => g.length >= 25));
  await new Promise((r) => setTimeout(r, 150)); // later polls re-read a window: still once
  const want = specs.map((s) => s.id).sort();
  for (const g of got) assertEquals(g.map((r) => r.requestId).sort(), want);
  assertEquals(got[0]![0]!.agents.length > 0, true);
  worker.publish(1, got[0]![0]!); // the in-process assembler publishing a row the poller saw
  const fresh = { ...got[0]![0]!, requestId: rid(999) };
  worker.publish(1, fresh);
  assertEquals(got.map((g) => g.length), [26, 26, 26]);
  stops[0]!();
  worker.publish(1, { ...fresh, requestId: rid(998) });
  assertEquals(got.map((g) => g.length), [26, 27, 27]);
  await fx.assembler.stop();
  await worker.stop();
  await Deno.remove(dataDir, { recursive: true });
});

storeTest(
  "recording session captures matching requests of its window; export re-imports identically",
  async (store) => {
    const dataDir = await Deno.makeTempDir({ prefix: "sonde-worker-" });
    await insertAgents(store);
    const fx = await fixtureAssembler(store, dataDir);
    await fx.write(fixtureSpecs()); // two hours ago: outside the session
    const worker = createWorker({ store, dataDir, livePollMs: 0, sessionSweepMs: 0 });
    await assertRejects(() => worker.startSession({ level: 300 }), "level");
    const s = await worker.startSession({
      appName: "shop",
      filter: "alice",
      level: 60,
      description: "ticket 42",
    });
    assertEquals([s.state, s.level, s.appName, s.filter, s.imported], [
      "running",
      60,
      "shop",
      "alice",
      false,
    ]);
    const active = await worker.activeSessions();
    assertEquals(active.map((a) => [a.id, a.appName, a.filter, a.level]), [[s.id, "shop", "alice", 60]]);
    assert(active[0]!.untilMs > Date.now() + 3_000_000, "runs one hour by default");
    await assertRejects(() => worker.exportSession(s.id), "still running");
    const specs = nowSpecs(0x300, 8, 5, { detail: "DETAIL cart lookup" });
    await new Promise((r) => setTimeout(r, 20));
    await fx.write(specs);
    await new Promise((r) => setTimeout(r, 20));
    const stopped = await worker.stopSession(s.id);
    const want = specs.filter((x) => x.user === "alice").map((x) => x.id);
    assertEquals([stopped.state, stopped.requestCount], ["stopped", want.length]);
    assertEquals(await worker.activeSessions(), []);
    const page = await worker.sessionRequests(s.id, undefined, 3);
    const all = [...page.rows, ...(await worker.sessionRequests(s.id, page.nextCursor, 100)).rows];
    assertEquals(all.map((r) => r.requestId), want);
    const detail = await worker.sessionRequest(s.id, want[0]!);
    assert(detail.events.some((e) => e.text === "DETAIL cart lookup" && e.level === 60), "DETAIL event kept");
    assertEquals(detail.tree![0]!.children[0]!.text, "handle order");

    const file = await worker.exportSession(s.id);
    assertEquals(file.trim().split("\n").length, 1 + want.length);
    const imported = await worker.importSession(file);
    assert(imported.id !== s.id);
    assertEquals([imported.imported, imported.requestCount, imported.description], [
      true,
      want.length,
      "ticket 42",
    ]);
    assertEquals(await worker.exportSession(imported.id), file, "re-export is identical");
    assertEquals(await worker.sessionRequest(imported.id, want[0]!), detail);
    assertEquals((await worker.sessions()).map((x) => x.id).sort(), [s.id, imported.id].sort());
    await assertRejects(
      () => worker.importSession('{"type":"session","version":1}\n{"type":"request"}'),
      "line 1",
    );
    await assertRejects(() => worker.importSession("garbage"), "line 1");
    await assertRejects(() => worker.stopSession("nope"), "Cannot find");
    await fx.assembler.stop();
    await worker.stop();
    await Deno.remove(dataDir, { recursive: true });
  },
);
