/**
 * The Worker over data the SDK demo produced: three tiers post to two real agent intakes, the Server's
 * assembler writes rows and day files, and research, search, paging and detail return exactly the
 * demo's requests and events.
 */
import { logSink } from "../shared/log.ts";
import { EventFlag } from "../shared/wire/types.ts";
import { startIntake } from "../agent/intake/intake.ts";
import { createAssembler } from "../server/telemetry/mod.ts";
import { startDemo } from "../sdk/demo/tiers.ts";
import { createWorker } from "../worker/worker.ts";
import { storeTest } from "./helpers/store.ts";
import { assert, assertEquals } from "./helpers/assert.ts";
import { insertAgents } from "./worker_fixture.ts";

logSink.level = "error";

storeTest("SDK demo requests through two agent intakes are found, paged and opened", async (store) => {
  await insertAgents(store);
  const dataDir = await Deno.makeTempDir({ prefix: "sonde-worker-demo-" });
  const assembler = await createAssembler({ store, dataDir, graceMs: 0 });
  const a = await startIntake({
    listen: { port: 0 },
    sink: { events: (b) => (assembler.ingest(1, b.events), true) },
  });
  const b = await startIntake({
    listen: { port: 0 },
    sink: { events: (x) => (assembler.ingest(2, x.events), true) },
  });
  const from = Date.now() - 1000;
  const demo = startDemo({
    agents: {
      web: `http://127.0.0.1:${a.port}/sonde/v1/events`,
      api: `http://127.0.0.1:${a.port}/sonde/v1/events`,
      db: `http://127.0.0.1:${b.port}/sonde/v1/events`,
    },
  });
  const users = ["alice", "bob", "alice", "carol", "alice"];
  try {
    for (const u of users) await (await fetch(`${demo.url}/checkout?user=${u}`)).body?.cancel();
    await Promise.all([demo.tiers.web.flush(), demo.tiers.api.flush(), demo.tiers.db.flush()]);
  } finally {
    await demo.stop();
    await a.stop();
    await b.stop();
  }
  assertEquals((await assembler.flush(Date.now() + 10)).length, users.length);
  const worker = createWorker({ store, dataDir, livePollMs: 0, sessionSweepMs: 0 });
  const base = { pool: 1, from, to: Date.now() + 1000, limit: 2 };
  const pages = [];
  let cursor: string | undefined;
  do {
    const page = await worker.requests({ ...base, sort: "start", cursor });
    pages.push(...page.rows);
    cursor = page.nextCursor;
  } while (cursor);
  assertEquals(pages.map((r) => r.columns.user), users, "all five, oldest first, over three pages");
  assertEquals(pages.every((r) => r.agents.join() === "host-a,host-b" && r.status === "warning"), true);
  const alice = await worker.requests({ ...base, limit: 100, q: "alice" });
  assertEquals(
    alice.rows.map((r) => r.requestId).sort(),
    pages.filter((r) => r.columns.user === "alice").map((r) => r.requestId).sort(),
  );
  assertEquals((await worker.requests({ ...base, limit: 100, columns: { user: "carol" } })).rows.length, 1);
  assertEquals(
    (await worker.requests({ ...base, limit: 100, app: "demo-shop", agent: "host-b" })).rows.length,
    5,
  );

  const d = await worker.request(1, pages[0]!.requestId);
  assertEquals([...new Set(d.events.map((e) => e.app.appTierName))].sort(), ["api", "db", "web"]);
  assertEquals(d.events.filter((e) => e.app.appTierName === "db").every((e) => e.agent === "host-b"), true);
  assert(
    d.events.some((e) => e.text === "many rows" && (e.flags & EventFlag.WARNING) !== 0),
    "warning event",
  );
  const web = d.tree![0]!;
  assertEquals(web.text, "GET /checkout");
  const api = web.children[0]!;
  assertEquals([api.text, api.status], ["POST /api/orders", "warning"]);
  const section = api.children.find((c) => c.text === "query orders")!;
  assertEquals([section.module, section.children.map((c) => c.text)], ["dbclient", ["SELECT order"]]);
  assert(web.durationUs >= api.durationUs && api.durationUs >= section.durationUs, "children inside parents");
  await assembler.stop();
  await worker.stop();
  await Deno.remove(dataDir, { recursive: true });
}, ["postgres"]);
