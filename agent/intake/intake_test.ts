import type { TelemetryEvent } from "@sonde/shared/wire/telemetry";
import { logSink } from "@sonde/shared/log";
import { assertEquals, assertMatch } from "../../tests/helpers/assert.ts";
import { startIntake } from "./intake.ts";
import { createSonde } from "../../sdk/mod.ts";
import { eventsOfBatch } from "@sonde/shared/wire/types";
import { realisticBody } from "./proto_fixture.ts";

logSink.level = "warn";
const opts = { sanitizeOps: false, sanitizeResources: false };

function event(level: number, flags = 1): TelemetryEvent {
  return {
    tsUs: 1_790_000_000_000_000,
    app: { appName: "shop", appId: "1", appTierName: "web", appTierId: "w1" },
    pid: 1,
    tid: 0,
    module: "m",
    text: "GET /",
    flags,
    level,
    requestId: "4bf92f3577b34da6a3ce929d0e0e4736",
    spanId: "00f067aa0ba902b7",
  };
}

async function post(
  port: number,
  path: string,
  body: BodyInit | Uint8Array<ArrayBuffer>,
  headers: Record<string, string>,
) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", body, headers });
  return { status: res.status, text: await res.text() };
}

Deno.test({
  name: "intake rejects garbage, truncated, oversized and mistyped bodies with 4xx and keeps serving",
  ...opts,
  fn: async () => {
    const got: TelemetryEvent[] = [];
    const intake = await startIntake({
      listen: { port: 0 },
      maxBodyBytes: 64 * 1024,
      sink: { events: (b) => (got.push(...b.events), true) },
    });
    const p = intake.port;
    const proto = { "content-type": "application/x-protobuf" };
    const json = { "content-type": "application/json" };
    try {
      const valid = realisticBody(2, 3);
      let r = await post(p, "/v1/traces", Uint8Array.from([0xff, 0xff, 0xff, 0x01, 0x02]), proto);
      assertEquals(r.status, 400);
      assertMatch(r.text, /Cannot decode protobuf/);
      r = await post(p, "/v1/traces", valid.slice(0, valid.length - 9), proto);
      assertEquals(r.status, 400);
      r = await post(p, "/v1/traces", realisticBody(400, 4), proto);
      assertEquals(r.status, 413);
      assertMatch(r.text, /larger than 65536 bytes/);
      r = await post(p, "/v1/traces", "hello", { "content-type": "text/plain" });
      assertEquals(r.status, 415);
      r = await post(p, "/v1/traces", "{not json", json);
      assertEquals(r.status, 400);
      r = await post(p, "/v1/traces", valid, { ...proto, "content-encoding": "gzip" });
      assertEquals(r.status, 400, "bytes that are not gzip");
      r = await post(p, "/sonde/v1/events", JSON.stringify({ events: [{ ...event(0), flags: "x" }] }), json);
      assertEquals(r.status, 400);
      assertMatch(JSON.parse(r.text).error, /"events\[0\]\.flags" must be an integer/);
      const bomb = await new Response(
        new Blob([new Uint8Array(10 * 1024 * 1024)]).stream().pipeThrough(new CompressionStream("gzip")),
      ).arrayBuffer();
      r = await post(p, "/v1/traces", bomb, { ...proto, "content-encoding": "gzip" });
      assertEquals(r.status, 413, "gzip bomb");
      const s = intake.stats();
      assertEquals(s.rejected, { bad_request: 5, too_large: 2, unsupported_type: 1 });
      assertEquals(got.length, 0);
      r = await post(p, "/v1/traces", valid, proto);
      assertEquals(r.status, 200, "still serving");
      assertEquals(got.length, 12);
    } finally {
      await intake.stop();
    }
  },
});

Deno.test({
  name: "intake drops events above the wanted level and refuses when the sink is full",
  ...opts,
  fn: async () => {
    const got: TelemetryEvent[] = [];
    let full = false;
    const intake = await startIntake({
      listen: { port: 0 },
      levelFor: (e) => (e.app.appTierName === "web" ? 50 : 0),
      sink: { events: (b) => (full ? false : (got.push(...b.events), true)) },
    });
    const json = { "content-type": "application/json" };
    try {
      const body = JSON.stringify({ events: [event(0), event(50), event(60), event(70)] });
      let r = await post(intake.port, "/sonde/v1/events", body, json);
      assertEquals(r.status, 200);
      assertEquals(got.map((e) => e.level), [0, 50]);
      full = true;
      r = await post(intake.port, "/sonde/v1/events", body, json);
      assertEquals(r.status, 503);
      const s = intake.stats();
      assertEquals([s.accepted, s.droppedLevel, s.droppedSink], [2, 4, 2]);
    } finally {
      await intake.stop();
    }
  },
});

Deno.test({
  name: "OTLP spans with invalid ids are reported as partial success",
  ...opts,
  fn: async () => {
    const got: TelemetryEvent[] = [];
    const intake = await startIntake({
      listen: { port: 0 },
      sink: { events: (b) => (got.push(...b.events), true) },
    });
    try {
      const span = (traceId: string) => ({
        traceId,
        spanId: "00f067aa0ba902b7",
        name: "x",
        startTimeUnixNano: "1000",
        endTimeUnixNano: "2000",
      });
      const body = {
        resourceSpans: [{
          scopeSpans: [{ spans: [span("0".repeat(32)), span("4bf92f3577b34da6a3ce929d0e0e4736")] }],
        }],
      };
      const r = await post(intake.port, "/v1/traces", JSON.stringify(body), {
        "content-type": "application/json",
      });
      assertEquals(r.status, 200);
      assertEquals(JSON.parse(r.text).partialSuccess.rejectedSpans, "1");
      assertEquals(got.length, 2);
      assertEquals(intake.stats().invalidSpans, 1);
    } finally {
      await intake.stop();
    }
  },
});

Deno.test({
  name: "an SDK batch accepted whole reaches the sink with its body; repaired or filtered ones without",
  ...opts,
  fn: async () => {
    const got: { events: TelemetryEvent[]; raw?: Uint8Array }[] = [];
    const intake = await startIntake({
      listen: { port: 0 },
      levelFor: () => 50,
      sink: { events: (b, raw) => (got.push({ events: b.events, raw }), true) },
    });
    const json = { "content-type": "application/json" };
    const { app, ...rest } = event(0);
    const send = (events: unknown[]) =>
      post(intake.port, "/sonde/v1/events", JSON.stringify({ app, events }), json);
    try {
      assertEquals((await send([rest, { ...rest, flags: 2, parentSpanId: "00f067aa0ba902b8" }])).status, 200);
      const exact = got.at(-1)!;
      assertEquals(eventsOfBatch(JSON.parse(new TextDecoder().decode(exact.raw))), exact.events);
      await send([{ ...rest, parentSpanId: "" }]); // an empty parent is dropped: not the same JSON
      assertEquals(got.at(-1)!.raw, undefined);
      await send([{ ...rest, text: "nul\u0000" }]); // a NUL is replaced: not the same JSON
      assertEquals([got.at(-1)!.raw, got.at(-1)!.events[0]!.text], [undefined, "nul\uFFFD"]);
      await send([rest, { ...rest, level: 70 }]); // one event above the wanted level is dropped
      assertEquals([got.at(-1)!.raw, got.at(-1)!.events.length], [undefined, 1]);
      await send([{ ...rest, stack: "x".repeat(1000) }]); // an unknown field is not kept
      assertEquals(got.at(-1)!.raw, undefined);
      assertEquals(Object.keys(got.at(-1)!.events[0]!).includes("stack"), false);
      await send([{ ...rest, params: [{ name: "a", type: "int32", value: 1, extra: 2 }] }]);
      assertEquals(got.at(-1)!.raw, undefined);
      const bom = new Uint8Array([
        0xef,
        0xbb,
        0xbf,
        ...new TextEncoder().encode(JSON.stringify({ app, events: [rest] })),
      ]);
      await post(intake.port, "/sonde/v1/events", bom, json);
      assertEquals(got.at(-1)!.raw?.[0], "{".charCodeAt(0), "a byte-order mark is not kept");
      const withProps = { ...app, properties: JSON.parse('{"__proto__":"x","v":"1"}') };
      await post(intake.port, "/sonde/v1/events", JSON.stringify({ app: withProps, events: [rest] }), json);
      assertEquals(got.at(-1)!.raw, undefined, "a __proto__ property key does not read back the same");
    } finally {
      await intake.stop();
    }
  },
});

Deno.test({
  name: "batches of the real SDK are kept as received",
  ...opts,
  fn: async () => {
    let exact = 0, total = 0;
    const intake = await startIntake({
      listen: { port: 0 },
      sink: { events: (_b, raw) => (total++, raw && exact++, true) },
    });
    const sonde = createSonde({
      app: { appName: "shop", appId: "1", appTierName: "web", appTierId: "w1", properties: { v: "2" } },
      agentUrl: `http://127.0.0.1:${intake.port}/sonde/v1/events`,
    });
    try {
      for (let i = 0; i < 20; i++) {
        const r = sonde.startRequest("GET /item", { params: { user: "u", n: 3 } });
        r.startSection("load", { module: "db" }).end();
        r.end();
      }
      await sonde.flush();
      assertEquals([exact, total, sonde.stats().sent], [total, 1, 80]);
    } finally {
      await intake.stop();
    }
  },
});
