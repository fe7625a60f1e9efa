import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { decodeTraceRequest } from "./otlp_proto.ts";
import { spansToEvents } from "./otlp_events.ts";
import { encodeTraceRequest, realisticBody } from "./proto_fixture.ts";
import { traceResponseProto } from "./otlp_response.ts";
import { ProtoReader } from "./protobuf.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

Deno.test("protobuf decoder keeps nanosecond times exact to the microsecond", () => {
  const body = encodeTraceRequest({ "service.name": "api", "process.pid": 4242 }, "scope", [{
    traceId: TRACE,
    spanId: "00f067aa0ba902b7",
    name: "GET /",
    startNs: 1_795_660_888_753_999_999n,
    endNs: 1_795_660_888_754_000_999n,
    attributes: { d: 1.5, neg: -7, t: true },
    error: "boom",
    events: [{
      name: "exception",
      timeNs: 1_795_660_888_753_999_999n + 500n,
      attributes: { "exception.message": "x" },
    }],
  }]);
  const rs = decodeTraceRequest(body);
  const s = rs[0]!.scopeSpans[0]!.spans[0]!;
  assertEquals(s.startUs, 1_795_660_888_753_999);
  assertEquals(s.endUs, 1_795_660_888_754_000);
  assertEquals(s.statusCode, 2);
  const { events } = spansToEvents(rs);
  assertEquals(events.map((e) => e.flags), [1, 16, 18]);
  assertEquals(events[0]!.pid, 4242);
  assertEquals(events[0]!.params, [
    { name: "d", type: "string", value: "1.5" },
    { name: "neg", type: "int32", value: -7 },
    { name: "t", type: "string", value: "true" },
  ]);
});

Deno.test("protobuf decoder survives random, truncated and mutated input (fuzz)", () => {
  const valid = realisticBody(5, 4);
  assertEquals(spansToEvents(decodeTraceRequest(valid)).events.length, 40);
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  let rejected = 0;
  let accepted = 0;
  const tryDecode = (buf: Uint8Array) => {
    try {
      spansToEvents(decodeTraceRequest(buf));
      accepted++;
    } catch (e) {
      assert(e instanceof RangeError, `only RangeError escapes, got ${e}`);
      rejected++;
    }
  };
  for (let i = 0; i < 2000; i++) {
    const len = Math.floor(rnd() * 300);
    tryDecode(Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256)));
  }
  for (let cut = 0; cut < valid.length; cut += 7) tryDecode(valid.subarray(0, cut));
  for (let i = 0; i < 2000; i++) {
    const m = valid.slice();
    for (let k = 0; k < 3; k++) m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256);
    tryDecode(m);
  }
  assert(rejected > 1000, `most garbage is rejected (${rejected})`);
  assert(accepted > 0);
});

Deno.test("partial success response decodes as ExportTraceServiceResponse", () => {
  const body = traceResponseProto(3, "bad ids");
  const r = new ProtoReader(body);
  const [f, w] = r.tag();
  assertEquals([f, w], [1, 2]);
  const inner = r.message();
  assertEquals(inner.tag(), [1, 0]);
  assertEquals(inner.varint(), 3);
  assertEquals(inner.tag(), [2, 2]);
  assertEquals(inner.string(), "bad ids");
  assertEquals(traceResponseProto(0, "").length, 0);
});
