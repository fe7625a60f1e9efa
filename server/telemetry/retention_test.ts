import { listDayPartitions } from "@sonde/shared/db";
import { logSink } from "@sonde/shared/log";
import type { TelemetryEvent } from "@sonde/shared/wire/telemetry";
import { storeTest } from "../../tests/helpers/store.ts";
import { assertEquals } from "../../tests/helpers/assert.ts";
import { createAssembler } from "./assembler.ts";
import { createLogPool } from "./log_pools.ts";
import { applyRetention } from "./retention.ts";

logSink.level = "error";
const DAY = 86_400_000;

function request(id: number, appName: string, startMs: number): TelemetryEvent[] {
  const base = {
    app: { appName, appId: "1", appTierName: "t", appTierId: "1" },
    pid: 1,
    tid: 0,
    module: "m",
    text: "op",
    level: 0,
    requestId: id.toString(16).padStart(32, "c"),
    spanId: "1".repeat(16),
  };
  return [{ ...base, tsUs: startMs * 1000, flags: 1 }, { ...base, tsUs: startMs * 1000 + 10, flags: 2 }];
}

storeTest("retention drops whole days per log pool and old day folders", async (store) => {
  const dataDir = await Deno.makeTempDir({ prefix: "sonde-ret-" });
  const now = Date.UTC(2026, 10, 26, 12);
  const short = await createLogPool(store.db, {
    name: "short",
    appPatterns: ["short*"],
    level: 0,
    columns: [],
    retentionDays: 2,
  });
  const assembler = await createAssembler({ store, dataDir, graceMs: 0, clock: () => now });
  for (const [i, age] of [0, 3, 10, 40].entries()) {
    assembler.ingest(1, request(i * 2 + 1, "shortlived", now - age * DAY));
    assembler.ingest(1, request(i * 2 + 2, "other", now - age * DAY));
  }
  assertEquals((await assembler.flush(now)).length, 8);
  const removed = await applyRetention(store.db, dataDir, now);
  assertEquals(removed.folders, ["2026-10-17"], "older than the longest retention (30 days)");
  const left = async (poolId: number) => (await listDayPartitions(store.db, `request_lp${poolId}`)).length;
  assertEquals([await left(short.id), await left(1)], [1, 3]);
  const rows = await store.db.selectFrom("request").select(["log_pool_id"]).execute();
  assertEquals(rows.filter((r) => r.log_pool_id === short.id).length, 1);
  assertEquals(rows.filter((r) => r.log_pool_id === 1).length, 3);
  await assembler.stop();
  await Deno.remove(dataDir, { recursive: true });
});
