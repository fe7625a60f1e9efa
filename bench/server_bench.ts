/**
 * Server benchmark against simulated agents (real mTLS pull endpoints serving real journals, in a
 * separate process) on loopback, storing into a throwaway PostgreSQL 15 cluster (durable settings).
 *
 * 1. pull_cycle_1000_agents_s: 1,000 agents delivering 100 counters every 10 s; the steady-state time
 *    of one pull cycle over all of them (median of 3 cycles after the first, which pays the handshakes).
 * 2. counter_samples_per_s: 40 agents each holding a backlog of 100-counter records; the sustained rate
 *    at which samples are stored (and then counted back by a query over the stored blocks).
 */
import { sql } from "kysely";
import { openStore } from "../shared/db/mod.ts";
import { ensureServiceIdentity } from "../shared/trust/mod.ts";
import { startPostgres } from "../tests/helpers/postgres.ts";
import { startServer } from "../server/server.ts";
import { registerAgents } from "../server/register.ts";
import { median, report } from "./median.ts";

async function simAgents(count: number, backlog: number, everyMs: number) {
  const dir = await Deno.makeTempDir({ prefix: "sonde-sim-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./fixtures/sim_agents.ts", import.meta.url).pathname,
      String(count),
      dir,
      String(backlog),
      "100",
      String(everyMs),
    ],
    stdout: "piped",
    stderr: "inherit",
    env: { SONDE_LOG_LEVEL: "warn" },
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  while (!buf.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("simulated agents exited");
    buf += value;
  }
  const { agents } = JSON.parse(buf.split("\n")[0]!) as { agents: { name: string; address: string }[] };
  return {
    agents,
    /** CPU seconds the simulated agents used so far. */
    cpuS() {
      const f = Deno.readTextFileSync(`/proc/${child.pid}/stat`).split(") ")[1]!.split(" ");
      return (Number(f[11]) + Number(f[12])) / 100;
    },
    async stop() {
      child.kill("SIGKILL");
      await child.status;
      await reader.cancel().catch(() => {});
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

const cluster = await startPostgres({ durable: true });
const etc = await Deno.makeTempDir({ prefix: "sonde-bench-etc-" });
try {
  const identity = await ensureServiceIdentity(etc, "server");
  {
    const store = await openStore({ databaseUrl: cluster.url, maxConnections: 20 });
    const sim = await simAgents(1000, 1, 10_000);
    const server = await startServer({ store, identity, pull: { concurrency: 128 }, manualPull: true });
    await registerAgents(store, server.config, sim.agents);
    const times: number[] = [];
    const cpuMs = () => {
      const f = Deno.readTextFileSync("/proc/self/stat").split(") ")[1]!.split(" ");
      return (Number(f[11]) + Number(f[12])) * 10;
    };
    for (let i = 0; i < 4; i++) {
      const c0 = cpuMs();
      const s0 = sim.cpuS();
      const r = await server.scheduler.runCycle();
      console.error(
        `  server CPU ${((cpuMs() - c0) / 1000).toFixed(2)} s, agents CPU ${(sim.cpuS() - s0).toFixed(2)} s`,
      );
      if (r.failed > 0) console.error(`cycle ${i}: ${r.failed} of ${r.agents} agents failed`);
      if (i > 0) times.push(r.ms / 1000);
      console.error(`cycle ${i}: ${r.agents} agents, ${r.records} records, ${(r.ms / 1000).toFixed(2)} s`);
      await new Promise((res) => setTimeout(res, 2000));
    }
    report("pull_cycle_1000_agents_s", median(times), "s");
    await server.stop();
    await store.close();
    await sim.stop();
  }
  {
    const store = await openStore({ databaseUrl: cluster.url, maxConnections: 20 });
    await sql`truncate counter_block, counter_rollup_1m, counter_rollup_1h, ingest_batch, agent cascade`
      .execute(store.db);
    const agents = 40;
    const backlog = 2500;
    const sim = await simAgents(agents, backlog, 0);
    const server = await startServer({
      store,
      identity,
      pull: { concurrency: 8, pageBytes: 2 << 20, maxPagesPerCycle: 1000 },
      manualPull: true,
    });
    await registerAgents(store, server.config, sim.agents);
    const t0 = performance.now();
    const r = await server.scheduler.runCycle();
    const secs = (performance.now() - t0) / 1000;
    const stored = await sql<
      { n: number }
    >`select coalesce(sum(cardinality(vals)), 0)::int8 as n from counter_block`.execute(store.db);
    const n = Number(stored.rows[0]!.n);
    if (n !== agents * backlog * 100) {
      throw new Error(`stored ${n} samples, expected ${agents * backlog * 100} (${r.failed} agents failed)`);
    }
    console.error(`stored ${n} samples in ${secs.toFixed(2)} s`);
    report("counter_samples_per_s", n / secs, "samples/s");
    await server.stop();
    await store.close();
    await sim.stop();
  }
} finally {
  await cluster.stop();
  await Deno.remove(etc, { recursive: true }).catch(() => {});
}
