import { NotFoundError } from "@sonde/shared/errors";
import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { encodeRequest, type StoredRequest } from "../../shared/telemetry/segment_format.ts";
import { dayOf, SegmentWriter } from "./segment_writer.ts";
import { readRequest } from "../../shared/telemetry/segment_reader.ts";

const T0 = Date.UTC(2026, 10, 26, 23, 59, 59) * 1000;

function request(id: number, params = false): StoredRequest {
  const requestId = id.toString(16).padStart(32, "0");
  const app = { appName: "shop", appId: "1", appTierName: "web", appTierId: "w1", properties: { v: "2" } };
  return {
    requestId,
    startUs: T0,
    durationUs: 1500,
    status: "ok",
    agents: [4, 9],
    events: [
      {
        agentId: 4,
        tsUs: T0,
        app,
        pid: 7,
        tid: 1,
        module: "m",
        text: "GET /ü",
        flags: 1,
        level: 0,
        requestId,
        spanId: "1".repeat(16),
      },
      {
        agentId: 9,
        tsUs: T0 + 1500,
        app,
        pid: 7,
        tid: 1,
        module: "m",
        text: "GET /ü",
        flags: 2,
        level: 0,
        requestId,
        spanId: "1".repeat(16),
        parentSpanId: "2".repeat(16),
        ...(params ? { params: [{ name: "n", type: "int64" as const, value: "-9223372036854775808" }] } : {}),
      },
    ],
  };
}

Deno.test("segment records round-trip, roll over by size, and continue after a restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sonde-seg-" });
  try {
    const w = new SegmentWriter(dir, 2000);
    const day = dayOf(T0);
    assertEquals(day, "2026-11-26");
    const locs = await w.appendMany(
      day,
      Array.from({ length: 20 }, (_, i) => encodeRequest(request(i + 1, i % 2 === 0))),
    );
    await w.sync();
    assert(new Set(locs.map((l) => l.file)).size > 1, "rolled over to more than one segment");
    for (const [i, l] of locs.entries()) {
      assert(l.offset + l.length <= 2000, "no record straddles a segment");
      assertEquals(await readRequest(dir, l.file, l.offset, l.length), request(i + 1, i % 2 === 0));
    }
    await w.close();
    const w2 = new SegmentWriter(dir, 2000);
    const [again] = await w2.appendMany(day, [encodeRequest(request(99))]);
    assert(!locs.some((l) => l.file === again!.file), `a new process starts a new segment (${again!.file})`);
    await w2.close();
    await assertRejects(() => readRequest(dir, "2026-11-25/segment-000001.log", 0, 10), "does not exist");
    const e = await assertRejects(() => readRequest(dir, locs[0]!.file, 1_000_000, 10));
    assert(e instanceof NotFoundError);
    await assertRejects(() => readRequest(dir, "../../etc/passwd", 0, 10), "is not a segment path");
    await assertRejects(() => readRequest(dir, locs[0]!.file, locs[0]!.offset + 1, locs[0]!.length), "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
