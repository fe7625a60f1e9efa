/**
 * Child process of telemetry_crash_test.ts: pulls "batches" as the Server would — pending events and
 * the agent cursor in one transaction, then ingest — and flushes the assembler continuously until it
 * is killed with SIGKILL. Each batch holds REQUESTS complete requests of 10 events from two agents.
 * Usage: deno run -A tests/telemetry_crash_child.ts <databaseUrl> <dataDir>
 */
import { openStore } from "../shared/db/mod.ts";
import { logSink } from "../shared/log.ts";
import { createAssembler } from "../server/telemetry/mod.ts";
import { crashBatch } from "./telemetry_fixtures.ts";

logSink.level = "error";
const [url, dataDir] = Deno.args;
const store = await openStore({ databaseUrl: url!, dataDir: dataDir! });
const assembler = await createAssembler({ store, dataDir: dataDir!, graceMs: 20 });
let started = false;
const saved = await store.db.selectFrom("setting").select("value").where("key", "=", "crash_cursor")
  .executeTakeFirst();
for (let batch = Number(saved?.value ?? 0) + 1;; batch++) {
  const { web, db } = crashBatch(batch);
  let staged1, staged2;
  await store.db.transaction().execute(async (tx) => {
    staged1 = await assembler.persistInTx(tx, 1, web);
    staged2 = await assembler.persistInTx(tx, 2, db);
    await tx.insertInto("setting").values({ key: "crash_cursor", value: JSON.stringify(batch) })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: JSON.stringify(batch) })).execute();
  });
  assembler.ingestStaged(staged1!);
  assembler.ingestStaged(staged2!);
  if (!started) console.log("started");
  started = true;
  await assembler.flush();
}
