/**
 * Telemetry end to end: SDK (app process) → agent intake → agent journal (agent process) → pull over
 * HTTP → pending rows + cursor in one transaction → assembly → segment files + request rows in
 * PostgreSQL (this process). Requests of 10 events; the app paces itself so the SDK never drops.
 * Runs DURATION_S seconds and reports the median of the 10-second windows of assembled events/s, then
 * drains and checks that every event the SDK sent is in a request row.
 * Prints `BENCH e2e_events_per_s <v> events/s`.
 * Roles: `deno run -A bench/e2e_bench.ts [seconds]` (main), `--agent <dir>`, `--app <intakeUrl> <seconds>`.
 *
 * The pull is plain HTTP on loopback (the mTLS pull of server/pull is not used here).
 */
import { createSonde } from "../sdk/mod.ts";
import { Journal } from "../agent/buffer/journal.ts";
import { startIntake } from "../agent/intake/intake.ts";
import { decodeRecordAt } from "../shared/wire/record_codec.ts";
import { RecordKind, type TelemetryEvent } from "../shared/wire/types.ts";
import { openStore } from "../shared/db/mod.ts";
import { logSink } from "../shared/log.ts";
import { createAssembler, type StagedEvents } from "../server/telemetry/mod.ts";
import { startPostgres } from "../tests/helpers/postgres.ts";
import { median, report } from "./median.ts";

logSink.level = "warn";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function agentRole(dir: string): Promise<void> {
  const journal = Journal.open(dir, { maxBytes: 2 * 1024 ** 3, fsync: "batch" });
  const intake = await startIntake({
    listen: { port: 0 },
    sink: { events: (b) => (journal.append(RecordKind.Events, encoder.encode(JSON.stringify(b))), true) },
  });
  const pull = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const u = new URL(req.url);
    if (u.pathname === "/ack") {
      journal.ack(Number(u.searchParams.get("seq")));
      return new Response("ok");
    }
    journal.flush();
    const batch = journal.read(Number(u.searchParams.get("after") ?? 0), 4 * 1024 * 1024);
    return new Response(batch.bytes as Uint8Array<ArrayBuffer>, {
      headers: { "x-last-seq": String(batch.lastSeq) },
    });
  });
  console.log(JSON.stringify({ intake: intake.port, pull: pull.addr.port }));
  await new Promise(() => {});
}

async function appRole(url: string, seconds: number): Promise<void> {
  const sonde = createSonde({
    app: { appName: "e2e", appId: "1", appTierName: "web", appTierId: "web-1" },
    agentUrl: url,
    batchSize: 2000,
    maxQueue: 200_000,
    flushIntervalMs: 50,
  });
  const end = performance.now() + seconds * 1000;
  let requests = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) {
      const req = sonde.startRequest("GET /api/item", {
        params: { user: "u" + (requests & 255), shard: requests & 7 },
      });
      for (let s = 0; s < 4; s++) req.startSection(`step${s}`, { module: "svc" }).end();
      req.end();
      requests++;
    }
    while (sonde.stats().queued > 50_000) await new Promise((r) => setTimeout(r, 2));
    await new Promise((r) => setTimeout(r, 0));
  }
  await sonde.flush();
  console.log(JSON.stringify({ requests, ...sonde.stats() }));
}

function spawnRole(args: string[]) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
    .getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  reader.releaseLock();
  return text.trim();
}

async function mainRole(seconds: number): Promise<void> {
  const pg = await startPostgres();
  const dataDir = await Deno.makeTempDir({ prefix: "sonde-e2e-" });
  const store = await openStore({ databaseUrl: pg.url, dataDir, maxConnections: 4 });
  const assembler = await createAssembler({ store, dataDir, graceMs: 1000, maxOpenEvents: 4_000_000 });
  const agent = spawnRole(["--agent", `${dataDir}/journal`]);
  const ports = JSON.parse(await firstLine(agent.stdout)) as { intake: number; pull: number };
  const app = spawnRole(["--app", `http://127.0.0.1:${ports.intake}/sonde/v1/events`, String(seconds)]);
  const appDone = firstLine(app.stdout);
  let after = 0;
  let assembled = 0;
  const split = { parse: 0, tx: 0, ingest: 0, flush: 0 };
  let stopPulling = false;
  let appFinished = false;
  appDone.then(() => (appFinished = true));
  const pullLoop = (async () => {
    while (!stopPulling) {
      const res = await fetch(`http://127.0.0.1:${ports.pull}/pull?after=${after}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const last = Number(res.headers.get("x-last-seq"));
      if (bytes.length === 0) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      let t = performance.now();
      const batches: { events: TelemetryEvent[]; raw: string }[] = [];
      for (let off = 0; off < bytes.length;) {
        const d = decodeRecordAt(bytes, off)!;
        if (d.record.kind === RecordKind.Events) {
          const raw = decoder.decode(d.record.payload);
          batches.push({ events: JSON.parse(raw).events, raw });
        }
        off = d.end;
      }
      const staged: StagedEvents[] = [];
      split.parse += performance.now() - t;
      t = performance.now();
      await store.db.transaction().execute(async (tx) => {
        for (const b of batches) staged.push(await assembler.persistInTx(tx, 1, b.events, b.raw));
        await tx.insertInto("setting").values({ key: "e2e_cursor", value: String(last) })
          .onConflict((oc) => oc.column("key").doUpdateSet({ value: String(last) })).execute();
      });
      split.tx += performance.now() - t;
      t = performance.now();
      for (const st of staged) assembler.ingestStaged(st);
      split.ingest += performance.now() - t;
      after = last;
      await (await fetch(`http://127.0.0.1:${ports.pull}/ack?seq=${last}`)).body?.cancel();
    }
  })();
  const flushLoop = (async () => {
    while (!stopPulling || assembler.stats().openRequests > 0) {
      const t = performance.now();
      const done = await assembler.flush(stopPulling ? Date.now() + 10_000 : undefined);
      if (done.length > 0) split.flush += performance.now() - t;
      for (const r of done) assembled += r.eventCount;
      if (done.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const windows: number[] = [];
  const t0 = performance.now();
  let last = 0;
  for (let w = 1; w * 10 <= seconds; w++) {
    await new Promise((r) => setTimeout(r, t0 + w * 10_000 - performance.now()));
    windows.push((assembled - last) / 10);
    last = assembled;
    console.log(
      `# window ${w}: ${Math.round(windows.at(-1)!)} events/s, open ${assembler.stats().openEvents}`,
    );
  }
  const appStats = JSON.parse(await appDone) as { requests: number; sent: number; dropped: number };
  while (
    after < 1 ||
    (await store.db.selectFrom("telemetry_pending").select("id").limit(1).execute()).length > 0 ||
    assembled < appStats.sent
  ) {
    if (performance.now() - t0 > (seconds + 60) * 1000) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  stopPulling = true;
  await pullLoop;
  await flushLoop;
  const sum = await store.db.selectFrom("request").select((eb) => eb.fn.sum<number>("event_count").as("n"))
    .executeTakeFirst();
  console.log(
    `# app sent ${appStats.sent} dropped ${appStats.dropped}; rows hold ${sum?.n} events; assembled ${assembled}; ` +
      `stats ${JSON.stringify(assembler.stats())}; app finished ${appFinished}`,
  );
  console.log(`# server ms: ${JSON.stringify(split, (_k, v) => typeof v === "number" ? Math.round(v) : v)}`);
  if (Number(sum?.n) !== appStats.sent || appStats.dropped > 0) {
    console.log("# LOSS: not every sent event is in a row");
  }
  report("e2e_events_per_s", median(windows), "events/s");
  agent.kill("SIGKILL");
  await agent.status;
  await app.status;
  await assembler.stop();
  await store.close();
  await pg.stop();
  await Deno.remove(dataDir, { recursive: true });
}

if (Deno.args[0] === "--agent") await agentRole(Deno.args[1]!);
else if (Deno.args[0] === "--app") await appRole(Deno.args[1]!, Number(Deno.args[2]));
else await mainRole(Number(Deno.args[0] ?? 60));
