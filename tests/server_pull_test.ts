/**
 * The Server against three real agent processes on loopback: data arrives in PostgreSQL, a stopped
 * agent is "unreachable" with its service UNKNOWN, and after its restart nothing is missing; `kill -9`
 * of the server during pulls and a standby taking over leave no gap and no duplicate.
 */
import { assert, assertEquals } from "./helpers/assert.ts";
import { createTestDatabase } from "./helpers/store.ts";
import { freePort } from "./helpers/postgres.ts";
import { type AgentProc, spawnDeno, startAgentProc, waitFor } from "./helpers/procs.ts";
import postgres from "postgres";

type Sql = ReturnType<typeof postgres>;

async function seqAudit(sql: Sql, agent: string): Promise<{ ranges: [number, number][]; acked: number }> {
  const rows = await sql<{ first_seq: string; last_seq: string }[]>`
    select b.first_seq, b.last_seq from ingest_batch b join agent a on a.id = b.agent_id
    where a.name = ${agent} order by b.first_seq`;
  const [a] = await sql<{ acked_seq: string }[]>`select acked_seq from agent where name = ${agent}`;
  return {
    ranges: rows.map((r) => [Number(r.first_seq), Number(r.last_seq)]),
    acked: Number(a?.acked_seq ?? 0),
  };
}

/** Every stored range starts right after the previous one: no gap, no duplicate. */
function assertContiguous(agent: string, ranges: [number, number][], acked: number): void {
  assert(ranges.length > 0, `${agent}: nothing stored`);
  let expect = 1;
  for (const [first, last] of ranges) {
    assertEquals(
      first,
      expect,
      `${agent}: batch starts at ${first}, expected ${expect} (ranges ${JSON.stringify(ranges)})`,
    );
    assert(last >= first, `${agent}: empty range`);
    expect = last + 1;
  }
  assertEquals(expect - 1, acked, `${agent}: cursor matches the last stored record`);
}

function startServerProc(dir: string, dbUrl: string, agentsFile: string) {
  return spawnDeno("server/main.ts", [
    "--data",
    `${dir}/data`,
    "--etc",
    `${dir}/etc`,
    "--database-url",
    dbUrl,
    "--agents",
    agentsFile,
    "--listen",
    `127.0.0.1:${freePort()}`,
    "--metrics-listen",
    `127.0.0.1:${freePort()}`,
    "--pull-interval",
    "500ms",
    "--counter-interval",
    "1s",
    "--lease-ttl",
    "4s",
  ]);
}

Deno.test({
  name: "server pulls three agents; outage, kill -9 and standby failover lose and duplicate nothing",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "sonde-e2e-" });
    const dbUrl = await createTestDatabase();
    const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
    const agents: AgentProc[] = [];
    const procs: { stop(): Promise<number>; output(): string }[] = [];
    try {
      for (const n of ["a1", "a2", "a3"]) agents.push(await startAgentProc(n, `${root}/${n}`));
      const agentsFile = `${root}/agents.json`;
      await Deno.writeTextFile(
        agentsFile,
        JSON.stringify(agents.map((a) => ({ name: a.name, address: a.address }))),
      );
      let primary = startServerProc(`${root}/s1`, dbUrl, agentsFile);
      procs.push(primary);

      // counters and check results arrive for every agent
      await waitFor(
        async () => {
          const r = await sql<{ n: string }[]>`select count(distinct agent_id) as n from counter_block`;
          return Number(r[0]?.n) === 3;
        },
        60_000,
        "counters of all three agents",
      );
      const [svc] = await sql<{ id: number }[]>`
        insert into service (name, agent_id) select 'a2 port', id from agent where name = 'a2' returning id`;
      await sql`insert into service_check (service_id, name, type, interval_ms, timeout_ms, params)
        values (${svc!.id}, 'pull port', 'tcp', 1000, 900, ${
        sql.json({ host: "127.0.0.1", port: agents[1]!.port })
      })`;
      await sql`update setting set value = to_jsonb((value #>> '{}')::int + 1) where key = 'config_version'`;
      await sql`insert into setting (key, value) values ('config_version', '2') on conflict do nothing`;
      await waitFor(
        async () => {
          const r = await sql<{ state: string }[]>`select state from object_status where object_id = ${`s:${
            svc!.id
          }`}`;
          return r[0]?.state === "OK";
        },
        60_000,
        "the a2 service to be OK from its check results",
      );
      const cpu = await sql<{ n: string }[]>`
        select count(*) as n from counter c join counter_block b on b.agent_id = c.agent_id and b.counter_id = c.id
        where c.key = 'mem.total'`;
      assert(Number(cpu[0]!.n) > 0, "mem.total samples stored");

      // a2 stops: unreachable, its service UNKNOWN; after the restart its data is complete
      await agents[1]!.stop();
      await waitFor(
        async () => {
          const r = await sql<{ state: string }[]>`select state from agent where name = 'a2'`;
          const s = await sql<{ state: string }[]>`select state from object_status where object_id = ${`s:${
            svc!.id
          }`}`;
          return r[0]?.state === "unreachable" && s[0]?.state === "UNKNOWN";
        },
        30_000,
        "a2 unreachable and its service UNKNOWN",
      );
      await new Promise((r) => setTimeout(r, 3000));
      agents[1] = await startAgentProc("a2", `${root}/a2`, agents[1]!.port, agents[1]!.statusPort);
      await waitFor(
        async () => {
          const r = await sql<{ state: string }[]>`select state from agent where name = 'a2'`;
          return r[0]?.state === "ok";
        },
        30_000,
        "a2 reachable again",
      );

      // kill -9 of the server during pulls, then restart
      await new Promise((r) => setTimeout(r, 1500));
      await primary.kill9();
      primary = startServerProc(`${root}/s1`, dbUrl, agentsFile);
      procs.push(primary);
      const before = Number(
        (await sql<{ n: string }[]>`select coalesce(max(last_seq), 0) as n from ingest_batch`)[0]!.n,
      );
      await waitFor(
        async () => {
          const n = Number(
            (await sql<{ n: string }[]>`select coalesce(max(last_seq), 0) as n from ingest_batch`)[0]!.n,
          );
          return n > before + 3;
        },
        30_000,
        "pulls to continue after the restart",
      );

      // standby with a copy of the primary's client certificate takes over after kill -9 of the active one
      await Deno.mkdir(`${root}/s2/etc/server`, { recursive: true });
      await Deno.copyFile(
        `${root}/s1/etc/server/cli_certificate.pem`,
        `${root}/s2/etc/server/cli_certificate.pem`,
      );
      const standby = startServerProc(`${root}/s2`, dbUrl, agentsFile);
      procs.push(standby);
      await new Promise((r) => setTimeout(r, 4000));
      const killedAt = Date.now();
      await primary.kill9();
      await waitFor(
        async () => {
          const r = await sql<{ n: string }[]>`
          select count(*) as n from ingest_batch where stored_at > ${new Date(killedAt)}`;
          return Number(r[0]!.n) > 0;
        },
        15_000,
        "the standby to pull within 15 s",
      );
      const tookS = (Date.now() - killedAt) / 1000;
      assert(tookS < 15, `standby took over after ${tookS} s`);
      await new Promise((r) => setTimeout(r, 1500));
      await standby.stop();

      for (const a of agents) {
        const { ranges, acked } = await seqAudit(sql, a.name);
        assertContiguous(a.name, ranges, acked);
      }
    } catch (e) {
      for (const a of agents) console.error(`--- ${a.name}\n${a.output().slice(-3000)}`);
      procs.forEach((p, i) => console.error(`--- server process ${i}\n${p.output().slice(-3000)}`));
      throw e;
    } finally {
      for (const p of procs) await p.stop().catch(() => 0);
      for (const a of agents) await a.stop().catch(() => 0);
      await sql.end();
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
  },
});
