/**
 * Telemetry end to end inside one process: real OpenTelemetry SDK exporters and the Sonde SDK demo post
 * to real intakes (two agents); the events are assembled into requests with rows in the log pool.
 */
import { context, trace } from "@opentelemetry/api";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { logSink } from "../shared/log.ts";
import type { Store } from "../shared/db/mod.ts";
import { startIntake } from "../agent/intake/intake.ts";
import { type Assembler, createAssembler, readRequest } from "../server/telemetry/mod.ts";
import { startDemo } from "../sdk/demo/tiers.ts";
import { storeTest } from "./helpers/store.ts";
import { assert, assertEquals } from "./helpers/assert.ts";

logSink.level = "error";

async function withAgents<T>(assembler: Assembler, fn: (urls: [string, string]) => Promise<T>): Promise<T> {
  const a = await startIntake({
    listen: { port: 0 },
    sink: { events: (b) => (assembler.ingest(1, b.events), true) },
  });
  const b = await startIntake({
    listen: { port: 0 },
    sink: { events: (x) => (assembler.ingest(2, x.events), true) },
  });
  try {
    return await fn([`http://127.0.0.1:${a.port}`, `http://127.0.0.1:${b.port}`]);
  } finally {
    await a.stop();
    await b.stop();
  }
}

async function setup(store: Store) {
  const dataDir = await Deno.makeTempDir({ prefix: "sonde-asm-" });
  const assembler = await createAssembler({ store, dataDir, graceMs: 0 });
  return { dataDir, assembler };
}

for (const [kind, Exporter] of [["protobuf", ProtoExporter], ["JSON", JsonExporter]] as const) {
  storeTest(`OTel SDK (${kind}) two-tier request is assembled into the default log pool`, async (store) => {
    const { dataDir, assembler } = await setup(store);
    await withAgents(assembler, async ([urlA, urlB]) => {
      const provider = (name: string, url: string) =>
        new BasicTracerProvider({
          resource: resourceFromAttributes({ "service.namespace": "otelshop", "service.name": name }),
          spanProcessors: [new SimpleSpanProcessor(new Exporter({ url: `${url}/v1/traces` }))],
        });
      const front = provider("frontend", urlA);
      const back = provider("backend", urlB);
      const root = front.getTracer("http").startSpan("GET /cart", {
        attributes: { "http.status_code": 200 },
      });
      const child = back.getTracer("db").startSpan("SELECT cart", {}, trace.setSpan(context.active(), root));
      await new Promise((r) => setTimeout(r, 20));
      child.end();
      await new Promise((r) => setTimeout(r, 10));
      root.end();
      await back.forceFlush();
      await front.forceFlush();
      await front.shutdown();
      await back.shutdown();
    });
    const [done] = await assembler.flush(Date.now() + 10);
    assert(done, "one request finished");
    assertEquals([done.name, done.status, done.agents, done.eventCount, done.logPoolIds], [
      "GET /cart",
      "ok",
      [1, 2],
      4,
      [1],
    ]);
    assert(done.durationUs >= 30_000 && done.durationUs < 1_000_000, `duration ${done.durationUs} µs`);
    const row = await store.db.selectFrom("request").selectAll().executeTakeFirstOrThrow();
    assertEquals([row.duration_us, row.tiers], [
      done.durationUs,
      ["otelshop 1/backend/1", "otelshop 1/frontend/1"].sort(),
    ]);
    assertEquals(row.columns, { "http.status_code": 200 });
    const stored = await readRequest(dataDir, row.file, row.file_offset, row.file_length);
    const rootEnter = stored.events.find((e) => e.text === "GET /cart" && e.flags === 1)!;
    const childEnter = stored.events.find((e) => e.text === "SELECT cart" && e.flags === 1)!;
    assertEquals(childEnter.parentSpanId, rootEnter.spanId);
    assertEquals([rootEnter.agentId, childEnter.agentId], [1, 2]);
    await assembler.stop();
    await Deno.remove(dataDir, { recursive: true });
  }, ["postgres"]);
}

storeTest(
  "SDK demo: three tiers on two agents become one request assembled from both agents",
  async (store) => {
    const { dataDir, assembler } = await setup(store);
    await withAgents(assembler, async ([urlA, urlB]) => {
      const demo = startDemo({
        agents: {
          web: `${urlA}/sonde/v1/events`,
          api: `${urlA}/sonde/v1/events`,
          db: `${urlB}/sonde/v1/events`,
        },
      });
      try {
        for (let i = 0; i < 3; i++) await (await fetch(`${demo.url}/checkout?user=u${i}`)).body?.cancel();
        await Promise.all([demo.tiers.web.flush(), demo.tiers.api.flush(), demo.tiers.db.flush()]);
      } finally {
        await demo.stop();
      }
    });
    const done = await assembler.flush(Date.now() + 10);
    assertEquals(done.length, 3);
    for (const r of done) {
      assertEquals([r.name, r.status, r.agents, r.applications], ["GET /checkout", "warning", [1, 2], [
        "demo-shop 1",
      ]]);
    }
    const rows = await store.db.selectFrom("request").select(["columns", "tiers"]).orderBy("start_ts")
      .execute();
    assertEquals(
      rows.map((r) => r.columns),
      [{ user: "u0" }, { user: "u1" }, { user: "u2" }].map((c) => ({ ...c, rows: 4 })),
    );
    assertEquals((rows[0]!.tiers as string[]).length, 3);
    assertEquals(assembler.registrationsSeen().map((a) => a.appTierName).sort(), ["api", "db", "web"]);
    await assembler.stop();
    await Deno.remove(dataDir, { recursive: true });
  },
  ["postgres"],
);
