/**
 * `kill -9` of a server-like process during telemetry ingest and assembly, then restart: every request
 * whose pull transaction committed is written exactly once, with all of its events.
 */
import { openStore } from "../shared/db/mod.ts";
import { logSink } from "../shared/log.ts";
import { createAssembler } from "../server/telemetry/mod.ts";
import { readRequest } from "../shared/telemetry/segment_reader.ts";
import { createTestDatabase } from "./helpers/store.ts";
import { assert, assertEquals } from "./helpers/assert.ts";
import { crashRequestId, REQUESTS } from "./telemetry_fixtures.ts";

logSink.level = "error";

Deno.test({
  name: "telemetry: kill -9 during ingest loses and duplicates no request",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const url = await createTestDatabase();
    const dataDir = await Deno.makeTempDir({ prefix: "sonde-crash-" });
    for (let round = 0; round < 2; round++) {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", new URL("./telemetry_crash_child.ts", import.meta.url).pathname, url, dataDir],
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const reader = child.stdout.getReader();
      await reader.read(); // "started"
      await new Promise((r) => setTimeout(r, 1200 + round * 500));
      child.kill("SIGKILL");
      await child.status;
      reader.releaseLock();
      await child.stdout.cancel().catch(() => {});
    }
    const store = await openStore({ databaseUrl: url, dataDir });
    try {
      let now = Date.now() + 1000;
      const assembler = await createAssembler({ store, dataDir, graceMs: 20, clock: () => now });
      now += 1000;
      await assembler.flush();
      const cursor = Number(
        (await store.db.selectFrom("setting").select("value").where("key", "=", "crash_cursor")
          .executeTakeFirstOrThrow())
          .value,
      );
      const rows = await store.db.selectFrom("request").select([
        "request_id",
        "event_count",
        "status",
        "file",
        "file_offset",
        "file_length",
      ])
        .execute();
      assert(cursor > 3, `child committed ${cursor} batches`);
      const ids = new Set(rows.map((r) => r.request_id));
      const expected = new Set<string>();
      for (let b = 1; b <= cursor; b++) for (let r = 0; r < REQUESTS; r++) expected.add(crashRequestId(b, r));
      for (const id of expected) assert(ids.has(id), `request ${id} of a committed batch is missing`);
      assertEquals(rows.length, expected.size, "one row per committed request, none duplicated");
      assertEquals(ids.size, rows.length);
      for (const r of rows) {
        assertEquals([r.event_count, r.status], [10, "ok"], `request ${r.request_id}`);
      }
      const sample = rows[rows.length - 1]!;
      assertEquals(
        (await readRequest(dataDir, sample.file, sample.file_offset, sample.file_length)).events.length,
        10,
      );
      assertEquals((await store.db.selectFrom("telemetry_pending").select("id").execute()).length, 0);
      await assembler.stop();
    } finally {
      await store.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
