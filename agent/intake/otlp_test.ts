import { context, trace } from "@opentelemetry/api";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { TelemetryEvent } from "@sonde/shared/wire/telemetry";
import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { startIntake } from "./intake.ts";

type Exporter = typeof JsonExporter | typeof ProtoExporter;

function tier(name: string, url: string, Exp: Exporter, compression?: "gzip") {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({
      "service.namespace": "shop",
      "service.name": name,
      "service.instance.id": `${name}-1`,
    }),
    spanProcessors: [
      new SimpleSpanProcessor(
        new Exp({ url, ...(compression ? { compression } as ConstructorParameters<Exporter>[0] : {}) }),
      ),
    ],
  });
}

async function twoTierRun(Exp: Exporter, compression?: "gzip"): Promise<TelemetryEvent[]> {
  const got: TelemetryEvent[] = [];
  const intake = await startIntake({
    listen: { port: 0 },
    sink: { events: (b) => (got.push(...b.events), true) },
  });
  const url = `http://127.0.0.1:${intake.port}/v1/traces`;
  const web = tier("web", url, Exp, compression);
  const api = tier("api", url, Exp, compression);
  try {
    const root = web.getTracer("web-http").startSpan("GET /checkout", {
      attributes: { "http.status_code": 200 },
    });
    const ctx = trace.setSpan(context.active(), root);
    const child = api.getTracer("api-db").startSpan("SELECT orders", {
      attributes: { rows: 12, bytes: 2 ** 40, sql: "select 1", cached: false },
    }, ctx);
    await new Promise((r) => setTimeout(r, 30));
    child.setStatus({ code: 2, message: "deadlock" });
    child.addEvent("retry", { attempt: 2 });
    child.end();
    await new Promise((r) => setTimeout(r, 5)); // OTel end times may be whole milliseconds
    root.end();
    await api.forceFlush();
    await web.forceFlush();
    assertEquals(intake.stats().accepted, got.length);
    assertEquals(Object.keys(intake.stats().rejected).length, 0);
  } finally {
    await web.shutdown();
    await api.shutdown();
    await intake.stop();
  }
  return got;
}

function check(events: TelemetryEvent[]): void {
  assertEquals(events.length, 5, `events: ${JSON.stringify(events.map((e) => [e.text, e.flags]))}`);
  const rootEnter = events.find((e) => e.text === "GET /checkout" && e.flags === 1)!;
  const rootLeave = events.find((e) => e.text === "GET /checkout" && (e.flags & 2))!;
  const childEnter = events.find((e) => e.text === "SELECT orders" && e.flags === 1)!;
  const childLeave = events.find((e) => e.text === "SELECT orders" && (e.flags & 2))!;
  const retry = events.find((e) => e.text === "retry")!;
  assert(rootEnter && rootLeave && childEnter && childLeave && retry, "every event arrived");
  assertEquals(rootEnter.parentSpanId, undefined);
  assertEquals(childEnter.requestId, rootEnter.requestId);
  assertEquals(childEnter.parentSpanId, rootEnter.spanId, "child nests under the root");
  assertEquals(retry.spanId, childEnter.spanId);
  assertEquals(rootEnter.app, { appName: "shop", appId: "1", appTierName: "web", appTierId: "web-1" });
  assertEquals(childEnter.app.appTierName, "api");
  assertEquals(childEnter.module, "api-db");
  const ms = (childLeave.tsUs - childEnter.tsUs) / 1000;
  assert(ms >= 29 && ms < 1000, `child duration ${ms} ms`);
  assert(rootLeave.tsUs >= childLeave.tsUs, "root ends after child");
  assertEquals(childLeave.flags, 2 | 16, "error status becomes ERROR on LEAVE");
  assertEquals(rootLeave.flags, 2);
  assertEquals(childLeave.params, [{ name: "status.message", type: "string", value: "deadlock" }]);
  assertEquals(childEnter.params, [
    { name: "rows", type: "int32", value: 12 },
    { name: "bytes", type: "int64", value: "1099511627776" },
    { name: "sql", type: "string", value: "select 1" },
    { name: "cached", type: "string", value: "false" },
  ]);
  assertEquals(retry.params, [{ name: "attempt", type: "int32", value: 2 }]);
}

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "OTel SDK (OTLP/JSON) two tiers arrive as nested ENTER/LEAVE events",
  ...opts,
  fn: async () => {
    check(await twoTierRun(JsonExporter));
  },
});

Deno.test({
  name: "OTel SDK (OTLP/protobuf) two tiers arrive as nested ENTER/LEAVE events",
  ...opts,
  fn: async () => {
    check(await twoTierRun(ProtoExporter));
  },
});

Deno.test({
  name: "OTel SDK (OTLP/protobuf, gzip) is inflated and accepted",
  ...opts,
  fn: async () => {
    check(await twoTierRun(ProtoExporter, "gzip"));
  },
});

Deno.test({
  name: "OTel SDK (OTLP/JSON, gzip) is inflated and accepted",
  ...opts,
  fn: async () => {
    check(await twoTierRun(JsonExporter, "gzip"));
  },
});
