import { openStore } from "../../shared/db/mod.ts";
import { createAssembler } from "../../server/telemetry/mod.ts";
import { startPostgres } from "../../tests/helpers/postgres.ts";
import { createSonde } from "../../sdk/mod.ts";
import type { TelemetryEvent } from "../../shared/wire/types.ts";
import { logSink } from "../../shared/log.ts";
logSink.level = "warn";
const pg = await startPostgres();
const dataDir = await Deno.makeTempDir();
const store = await openStore({ databaseUrl: pg.url, dataDir });
let now = Date.now();
const assembler = await createAssembler({ store, dataDir, graceMs: 0, clock: () => now, maxOpenEvents: 5e6 });
const evs: TelemetryEvent[] = [];
const sonde = createSonde({
  app: { appName: "e2e", appId: "1", appTierName: "web", appTierId: "web-1" },
  maxQueue: 1e7,
  batchSize: 1e7,
  flushIntervalMs: 1e9,
  fetch: (_u, init) => {
    for (const e of JSON.parse(String(init!.body)).events) evs.push(e);
    return Promise.resolve(new Response(null));
  },
});
for (let r = 0; r < 20000; r++) {
  const req = sonde.startRequest("GET", { params: { user: "u", shard: 1 } });
  for (let s = 0; s < 4; s++) req.startSection(`s${s}`).end();
  req.end();
}
await sonde.flush();
console.log("events", evs.length);
for (let k = 0; k < 2; k++) {
  const part = evs.slice(k * 100000, (k + 1) * 100000);
  let t = performance.now();
  let staged;
  await store.db.transaction().execute(async (tx) => {
    staged = await assembler.persistInTx(tx, 1, part);
  });
  console.log("persist ms", performance.now() - t);
  t = performance.now();
  assembler.ingestStaged(staged!);
  console.log("ingest ms", performance.now() - t);
  now += 10;
  t = performance.now();
  const done = await assembler.flush();
  console.log("flush ms", performance.now() - t, done.length);
}
await store.close();
await pg.stop();
