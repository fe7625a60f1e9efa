import { assert, assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { compactEventBatch, eventsOfBatch } from "./types.ts";
import { parseEventBatch, parseTelemetryEvent } from "./telemetry.ts";

const ok = {
  tsUs: 1_790_000_000_000_000,
  app: { appName: "shop", appId: "1", appTierName: "web", appTierId: "w1", properties: { v: "2" } },
  pid: 1,
  tid: 0,
  module: "m",
  text: "GET /",
  flags: 3,
  level: 0,
  requestId: "4bf92f3577b34da6a3ce929d0e0e4736",
  spanId: "00f067aa0ba902b7",
  parentSpanId: "00f067aa0ba902b8",
  params: [{ name: "a", type: "int32", value: 1 }, {
    name: "b",
    type: "int64",
    value: "-9223372036854775808",
  }],
};

Deno.test("telemetry parser accepts valid events and names the bad field with its value", () => {
  assertEquals(parseTelemetryEvent(ok), ok as never);
  assertEquals(parseEventBatch({ events: [ok] }).events.length, 1);
  assertThrows(
    () => parseEventBatch({ events: [ok, { ...ok, requestId: "xyz" }] }),
    '"events[1].requestId" must be 32',
  );
  assertThrows(
    () =>
      parseTelemetryEvent({ ...ok, params: [{ name: "x", type: "int64", value: "9223372036854775808" }] }),
    "int64",
  );
  assertThrows(
    () => parseTelemetryEvent({ ...ok, params: [{ name: "x", type: "int32", value: 2 ** 31 }] }),
    "must be an integer",
  );
  assertThrows(
    () => parseTelemetryEvent({ ...ok, app: { ...ok.app, appName: "" } }),
    '"event.app.appName" must not be empty',
  );
  assertThrows(() => parseEventBatch(null), "must be an object");
});

Deno.test("telemetry parser survives random JSON values (fuzz)", () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const pick = (): unknown => [null, 1, -1, 1.5, "x", "", [], {}, true, 2 ** 60][Math.floor(rnd() * 10)];
  for (let i = 0; i < 3000; i++) {
    const e: Record<string, unknown> = structuredClone(ok);
    const keys = Object.keys(e);
    e[keys[Math.floor(rnd() * keys.length)]!] = pick();
    try {
      parseTelemetryEvent(e);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
    }
  }
});

Deno.test("a batch-level app stands in for events without one", () => {
  const { app, ...noApp } = ok;
  const b = parseEventBatch({ app, events: [noApp, { ...noApp, app: { ...app, appTierName: "db" } }] });
  assertEquals(b.events.map((e) => e.app.appTierName), ["web", "db"]);
  assertThrows(() => parseEventBatch({ events: [noApp] }), '"events[0].app" must be an object');
});

Deno.test("a compact batch names a shared registration once and reads back to the same events", () => {
  const web = parseEventBatch({
    app: ok.app,
    events: [{ ...ok, app: undefined }, { ...ok, app: undefined }],
  });
  const other = { ...ok, app: { appName: "shop", appId: "1", appTierName: "db", appTierId: "d1" } };
  const events = [...web.events, parseTelemetryEvent(other)];
  const text = compactEventBatch({ events });
  assertEquals(text.split('"appTierName"').length - 1, 2, "the shared registration once, the other inline");
  assert(text.length < JSON.stringify({ events }).length);
  assertEquals(eventsOfBatch(JSON.parse(text)), events);
  assertEquals(eventsOfBatch({ events: [] }), []);
  assertEquals(eventsOfBatch({ app: ok.app }), undefined, "no events array");
  assertEquals(eventsOfBatch("junk"), undefined);
});
