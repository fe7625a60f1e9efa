import type { TelemetryEvent } from "@sonde/shared/wire/telemetry";
import { logSink } from "@sonde/shared/log";
import { startIntake } from "../agent/intake/intake.ts";
import { assert, assertEquals } from "../tests/helpers/assert.ts";
import {
  createSonde,
  extractTraceparent,
  Flag,
  formatTraceparent,
  int64,
  Level,
  parseTraceparent,
} from "./mod.ts";
import { startDemo } from "./demo/tiers.ts";

logSink.level = "warn";
const opts = { sanitizeOps: false, sanitizeResources: false };
const app = { appName: "shop", appId: "1", appTierName: "web", appTierId: "web-1" };

Deno.test("traceparent round-trips and rejects invalid values", () => {
  const v = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  assertEquals(formatTraceparent(parseTraceparent(v)!), v);
  assertEquals(parseTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), undefined);
  assertEquals(parseTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), undefined);
  assertEquals(parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01"), undefined);
  assertEquals(extractTraceparent({ TraceParent: v })?.spanId, "00f067aa0ba902b7");
});

Deno.test({
  name: "SDK delivers nested requests to a real intake",
  ...opts,
  fn: async () => {
    const got: TelemetryEvent[] = [];
    const intake = await startIntake({
      listen: { port: 0 },
      sink: { events: (b) => (got.push(...b.events), true) },
    });
    const sonde = createSonde({
      app,
      agentUrl: `http://127.0.0.1:${intake.port}/sonde/v1/events`,
      level: Level.DETAIL,
    });
    try {
      await sonde.request("GET /cart", async (req) => {
        req.event("debug noise", { level: Level.DEBUG });
        await req.section(
          "load",
          (s) => s.event("cache miss", { flags: Flag.WARNING, params: [int64("key", 2n ** 40n)] }),
          { module: "cache" },
        );
      }, { params: { user: "alice", items: 3 } });
      await assertRejectsQuietly(() => sonde.request("GET /fail", () => Promise.reject(new Error("nope"))));
      await sonde.flush();
      assertEquals(sonde.stats(), { sent: 7, dropped: 0, failedFlushes: 0, queued: 0 });
      assertEquals(got.map((e) => [e.text, e.flags]), [
        ["GET /cart", 1],
        ["load", 1],
        ["cache miss", 8],
        ["load", 2],
        ["GET /cart", 2],
        ["GET /fail", 1],
        ["GET /fail", 18],
      ]);
      const [root, load, miss] = got;
      assertEquals(load!.parentSpanId, root!.spanId);
      assertEquals(miss!.spanId, load!.spanId);
      assertEquals(load!.module, "cache");
      assertEquals(root!.params, [{ name: "user", type: "string", value: "alice" }, {
        name: "items",
        type: "int32",
        value: 3,
      }]);
      assertEquals(miss!.params, [{ name: "key", type: "int64", value: "1099511627776" }]);
      assertEquals(got[6]!.params, [{ name: "error", type: "string", value: "nope" }]);
    } finally {
      await sonde.close();
      await intake.stop();
    }
  },
});

async function assertRejectsQuietly(fn: () => Promise<unknown>): Promise<void> {
  let threw = false;
  await fn().catch(() => (threw = true));
  assert(threw, "the application's own error is rethrown");
}

Deno.test({
  name: "SDK never throws or blocks when the agent is away; drops are counted",
  ...opts,
  fn: async () => {
    const sonde = createSonde({
      app,
      agentUrl: "http://127.0.0.1:9/sonde/v1/events",
      maxQueue: 100,
      batchSize: 50,
      timeoutMs: 500,
    });
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) sonde.startRequest(`r${i}`).end();
    assert(performance.now() - t0 < 200, "emitting does not wait for the agent");
    await sonde.flush();
    const s = sonde.stats();
    assertEquals(s.sent, 0);
    assertEquals(s.dropped, 400);
    assert(s.failedFlushes >= 2, `failed flushes ${s.failedFlushes}`);
    await sonde.close();
  },
});

Deno.test({
  name: "demo: three tiers on two agents share one request id with correct nesting",
  ...opts,
  fn: async () => {
    const a: TelemetryEvent[] = [];
    const b: TelemetryEvent[] = [];
    const agentA = await startIntake({
      listen: { port: 0 },
      sink: { events: (x) => (a.push(...x.events), true) },
    });
    const agentB = await startIntake({
      listen: { port: 0 },
      sink: { events: (x) => (b.push(...x.events), true) },
    });
    const urlA = `http://127.0.0.1:${agentA.port}/sonde/v1/events`;
    const urlB = `http://127.0.0.1:${agentB.port}/sonde/v1/events`;
    const demo = startDemo({ agents: { web: urlA, api: urlA, db: urlB } });
    try {
      const res = await fetch(`${demo.url}/checkout?user=bob`);
      assertEquals(await res.json(), { ok: true, rows: 4 });
      const requestId = parseTraceparent(res.headers.get("traceparent"))!.traceId;
      await Promise.all([demo.tiers.web.flush(), demo.tiers.api.flush(), demo.tiers.db.flush()]);
      assert(a.length > 0 && b.length > 0, "both agents got events");
      assert([...a, ...b].every((e) => e.requestId === requestId), "one request id across tiers and agents");
      assertEquals(new Set(a.map((e) => e.app.appTierName)), new Set(["web", "api"]));
      assertEquals(new Set(b.map((e) => e.app.appTierName)), new Set(["db"]));
      const webRoot = a.find((e) => e.app.appTierName === "web" && e.flags === Flag.ENTER)!;
      const apiRoot = a.find((e) =>
        e.app.appTierName === "api" && e.flags === Flag.ENTER && e.text === "POST /api/orders"
      )!;
      const query = a.find((e) => e.text === "query orders" && e.flags === Flag.ENTER)!;
      const dbRoot = b.find((e) => e.flags === Flag.ENTER)!;
      assertEquals(webRoot.parentSpanId, undefined);
      assertEquals(apiRoot.parentSpanId, webRoot.spanId);
      assertEquals(query.parentSpanId, apiRoot.spanId);
      assertEquals(dbRoot.parentSpanId, query.spanId);
    } finally {
      await demo.stop();
      await agentA.stop();
      await agentB.stop();
    }
  },
});
