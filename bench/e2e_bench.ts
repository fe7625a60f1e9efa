/**
 * Telemetry end to end through the real parts: SDK (app process) → agent intake → agent journal (the
 * real agent processes) → the Server's mTLS pull (scheduler, group commit, pending rows + cursor in one
 * transaction) → assembly (default 5-s grace window) → segment files + request rows in PostgreSQL
 * (durable settings). Requests of 10 events. The application offers `SONDE_E2E_RATE` events/s
 * (default 125,000, about what this machine takes; set 100000 to see the system keep up) for a 10-s
 * warm-up plus `seconds` (default 60); the figure is the median of the 10-second windows of assembled
 * events/s after the warm-up (at most the offered rate plus the warm-up backlog). Then it drains, prints how long after the
 * application stopped the backlog was assembled, and checks every event the SDK sent is in a row.
 * Prints `BENCH e2e_events_per_s <v> events/s`.
 * The application runs on two hosts (two agents, `SONDE_E2E_AGENTS`), each request on one of them.
 * Roles: `deno run -A bench/e2e_bench.ts [seconds]` (main), `--app <intakeUrl,...> <seconds> <rate>`.
 */
import { createSonde } from "../sdk/mod.ts";
import { openStore } from "../shared/db/mod.ts";
import { logSink } from "../shared/log.ts";
import { ensureServiceIdentity } from "../shared/trust/mod.ts";
import { createAssembler } from "../server/telemetry/mod.ts";
import { startServer } from "../server/server.ts";
import { registerAgents } from "../server/register.ts";
import { freePort, startPostgres } from "../tests/helpers/postgres.ts";
import { spawnDeno, waitFor } from "../tests/helpers/procs.ts";
import { median, report } from "./median.ts";

logSink.level = "warn";
/** Agents (hosts) the application's requests are spread over; `SONDE_E2E_AGENTS` overrides. */
const AGENTS = Number(Deno.env.get("SONDE_E2E_AGENTS") ?? 2);
/** Events per second the application offers (`SONDE_E2E_RATE`); above what the system can take, the
 * backlog grows in the agents' journals and the windows show what was assembled. */
const RATE = Number(Deno.env.get("SONDE_E2E_RATE") ?? 125_000);
/** Seconds before the measured windows (process start-up, JIT, first pulls). */
const WARMUP_S = 10;

async function appRole(urls: string, seconds: number, rate: number): Promise<void> {
  // one SDK per agent: the application runs on several hosts, each with its local agent
  const sondes = urls.split(",").map((agentUrl, i) =>
    createSonde({
      app: { appName: "e2e", appId: "1", appTierName: "web", appTierId: `web-${i + 1}` },
      agentUrl,
      batchSize: 2000,
      maxQueue: 200_000,
      flushIntervalMs: 50,
    })
  );
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let requests = 0;
  for (let now = t0; now < end; now = performance.now()) {
    // offer `rate` events/s (10 per request), paced every few milliseconds
    const due = Math.floor(((now - t0) / 1000) * rate / 10);
    while (requests < due) {
      const sonde = sondes[requests % sondes.length]!;
      const req = sonde.startRequest("GET /api/item", {
        params: { user: "u" + (requests & 255), shard: requests & 7 },
      });
      for (let s = 0; s < 4; s++) req.startSection(`step${s}`, { module: "svc" }).end();
      req.end();
      requests++;
      if (sondes.some((s) => s.stats().queued > 150_000)) break; // the agents fell behind: let the SDK send
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(sondes.map((s) => s.flush()));
  const stats = sondes.map((s) => s.stats());
  const sum = (k: "sent" | "dropped") => stats.reduce((n, x) => n + x[k], 0);
  console.log(JSON.stringify({ requests, sent: sum("sent"), dropped: sum("dropped") }));
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
  const pg = await startPostgres({ durable: true });
  const dir = await Deno.makeTempDir({ prefix: "sonde-e2e-" });
  const store = await openStore({ databaseUrl: pg.url, dataDir: dir, maxConnections: 8 });
  let assembled = 0;
  const assembler = await createAssembler({
    store,
    dataDir: dir,
    graceMs: Number(Deno.env.get("SONDE_E2E_GRACE_MS") ?? 5000),
    maxOpenEvents: 4_000_000,
    maxOpenRequests: 400_000,
  });
  const server = await startServer({
    store,
    identity: await ensureServiceIdentity(`${dir}/etc`, "server"),
    assembler,
    pull: { intervalMs: 200, pageBytes: 8 << 20, maxPagesPerCycle: 8 },
    onRequests: (done) => {
      for (const r of done) assembled += r.eventCount;
    },
  });
  await Deno.writeTextFile(
    `${dir}/agent.json`,
    JSON.stringify({ collect: { version: 0, counters: { defaults: false, intervalMs: 60_000 } } }),
  );
  const agents = [];
  for (let i = 0; i < AGENTS; i++) {
    const [pullPort, statusPort, intakePort] = [freePort(), freePort(), freePort()];
    const proc = spawnDeno("agent/main.ts", [
      "--etc",
      `${dir}/agent-${i}/etc`,
      "--data",
      `${dir}/agent-${i}/data`,
      "--listen",
      `127.0.0.1:${pullPort}`,
      "--status-listen",
      `127.0.0.1:${statusPort}`,
      "--intake-listen",
      `127.0.0.1:${intakePort}`,
      "--journal-max-bytes",
      "2GiB",
      "--config",
      `${dir}/agent.json`,
    ], { SONDE_LOG_LEVEL: "warn" });
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${statusPort}/status`).then((r) =>
        r.text().then(() => r.ok)
      )),
      30_000,
      `agent ${i}`,
    );
    agents.push({
      proc,
      name: `e2e-${i}`,
      address: `127.0.0.1:${pullPort}`,
      intake: `http://127.0.0.1:${intakePort}/sonde/v1/events`,
    });
  }
  await registerAgents(store, server.config, agents);
  const total = seconds + WARMUP_S;
  const app = spawnRole(["--app", agents.map((a) => a.intake).join(","), String(total), String(RATE)]);
  const appDone = firstLine(app.stdout);
  const windows: number[] = [];
  const t0 = performance.now();
  let last = 0;
  for (let w = 1; w * 10 <= total; w++) {
    await new Promise((r) => setTimeout(r, t0 + w * 10_000 - performance.now()));
    const rate = (assembled - last) / 10;
    if (w * 10 > WARMUP_S) windows.push(rate);
    last = assembled;
    console.log(
      `# ${w * 10 > WARMUP_S ? "window" : "warm-up"} ${w}: ${
        Math.round(rate)
      } events/s, open ${assembler.stats().openEvents}`,
    );
  }
  const appStats = JSON.parse(await appDone) as { requests: number; sent: number; dropped: number };
  const appEnd = performance.now();
  while (assembled < appStats.sent && performance.now() - t0 < (total + 90) * 1000) {
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(
    `# offered ${Math.round(appStats.sent / total)} events/s; the backlog was assembled ${
      ((performance.now() - appEnd) / 1000).toFixed(1)
    } s after the application stopped`,
  );
  const sum = await store.db.selectFrom("request").select((eb) => eb.fn.sum<number>("event_count").as("n"))
    .executeTakeFirst();
  console.log(
    `# app sent ${appStats.sent} dropped ${appStats.dropped}; rows hold ${sum?.n} events; assembled ${assembled}`,
  );
  if (Number(sum?.n) !== appStats.sent || appStats.dropped > 0) {
    console.log("# LOSS: not every sent event is in a row");
    const cursors = await store.db.selectFrom("agent").select([
      "name",
      "acked_seq",
      "agent_last_seq",
      "state",
    ])
      .execute();
    console.log(`# agents: ${JSON.stringify(cursors)}; assembler: ${JSON.stringify(assembler.stats())}`);
  }
  console.log(
    `# server: ${
      server.metrics.render().split("\n").filter((l) => /^sonde_(store|assembly)/.test(l)).join(", ")
    }`,
  );
  console.log(`# assembly ms: ${JSON.stringify(assembler.stats().flushMs)}`);
  report("e2e_events_per_s", median(windows), "events/s");
  for (const a of agents) await a.proc.stop();
  await app.status;
  await server.stop();
  await store.close();
  await pg.stop();
  await Deno.remove(dir, { recursive: true });
}

if (Deno.args[0] === "--app") await appRole(Deno.args[1]!, Number(Deno.args[2]), Number(Deno.args[3]));
else await mainRole(Number(Deno.args[0] ?? 60));
