import { assert, assertEquals, assertRejects } from "./helpers/assert.ts";
import { spawnDeno, startAgentProc, waitFor } from "./helpers/procs.ts";
import { freePort } from "./helpers/postgres.ts";
import { createTestDatabase } from "./helpers/store.ts";
import { openStore } from "../shared/db/mod.ts";
import { snmp, startSnmpd } from "./snmp_fixture.ts";

const A = "1.3.6.1.4.1.99999.1.1"; // sondeAgent scalars
const SVC = "1.3.6.1.4.1.99999.1.2.1"; // sondeServiceEntry
const scalar = (n: number) => `${A}.${n}.0`;

interface Status {
  hostname: string;
  version: string;
  uptimeS: number;
  configVersion: number;
  buffer: { bytes: number; records: number };
  drops: { records: number; bytes: number };
}

async function status(port: number): Promise<Status> {
  return await (await fetch(`http://127.0.0.1:${port}/status`)).json();
}

const between = (v: string | undefined, lo: number, hi: number, what: string) => {
  const n = Number(v);
  assert(n >= lo && n <= hi, `${what}: SNMP says ${v}, status endpoint said ${lo} before and ${hi} after`);
};

Deno.test({
  name: "snmp: SONDE-MIB matches a real agent's status, standalone and through snmpd (AgentX)",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "sonde-snmp-" });
    Deno.env.set("SONDE_TEST_SNMP_DIR", `${dir}/tools`);
    const agent = await startAgentProc("snmp-a", `${dir}/agent`);
    const procs = [agent];
    try {
      await t.step("standalone mode answers snmpget with the status endpoint's values", async () => {
        const port = freePort();
        const p = spawnDeno("agent/snmp/main.ts", [
          "--standalone",
          `127.0.0.1:${port}`,
          "--community",
          "public",
          "--status-url",
          `http://127.0.0.1:${agent.statusPort}/status`,
          "--refresh",
          "200ms",
          "--etc",
          `${dir}/etc`,
        ]);
        procs.push(p as typeof agent);
        await waitFor(
          async () => (await snmp("snmpget", port, [scalar(10)])).get(scalar(10)) === "1",
          20_000,
          "snmp",
        );
        const before = await status(agent.statusPort);
        await new Promise((r) => setTimeout(r, 500));
        const v = await snmp("snmpget", port, [1, 2, 3, 4, 5, 6, 8, 9, 10, 12].map(scalar));
        const after = await status(agent.statusPort);
        assertEquals([v.get(scalar(1)), v.get(scalar(2)), v.get(scalar(4))], [
          before.hostname,
          before.version,
          String(before.configVersion),
        ]);
        between(v.get(scalar(3)), before.uptimeS, after.uptimeS, "uptime");
        between(v.get(scalar(5)), before.buffer.bytes, after.buffer.bytes, "buffer bytes");
        between(v.get(scalar(6)), before.buffer.records, after.buffer.records, "buffer records");
        assert(after.buffer.records > 0, "the agent buffered counters");
        assertEquals([v.get(scalar(8)), v.get(scalar(9))], [
          String(after.drops.records),
          String(after.drops.bytes),
        ]);
        assertEquals([v.get(scalar(10)), v.get(scalar(12))], ["1", ""]);
        await assertRejects(() => snmp("snmpget", port, [scalar(1)], "wrong"), "Timeout");
        await p.stop();
      });

      await t.step("through snmpd: scalars, the service table from the database, stale values", async () => {
        const url = await createTestDatabase();
        const store = await openStore({ databaseUrl: url });
        const ids: number[] = [];
        for (const name of ["web", "db", "queue"]) {
          ids.push(
            (await store.db.insertInto("service").values({ name }).returning("id").executeTakeFirstOrThrow())
              .id,
          );
        }
        const since = new Date("2026-01-02T03:04:05.000Z");
        await store.db.insertInto("object_status").values([
          { object_id: `s:${ids[0]}`, state: "OK", since, cause: "" },
          { object_id: `s:${ids[1]}`, state: "WARNING", since, cause: "" },
        ]).execute();
        const snmpd = await startSnmpd(`${dir}/snmpd`);
        const p = spawnDeno("agent/snmp/main.ts", [
          "--master",
          `tcp:127.0.0.1:${snmpd.agentxPort}`,
          "--status-url",
          `http://127.0.0.1:${agent.statusPort}/status`,
          "--database-url",
          url,
          "--refresh",
          "200ms",
          "--etc",
          `${dir}/etc`,
        ]);
        procs.push(p as typeof agent);
        try {
          const walk = () => snmp("snmpwalk", snmpd.udpPort, ["1.3.6.1.4.1.99999"]);
          await waitFor(async () => (await walk()).get(scalar(10)) === "1", 20_000, "values through snmpd");
          const before = await status(agent.statusPort);
          const v = await walk();
          assertEquals([v.get(scalar(1)), v.get(scalar(2))], [before.hostname, before.version]);
          assert(Number(v.get(scalar(6))) >= before.buffer.records - 5, "buffer records through AgentX");
          const row = (col: number) => ids.map((id) => v.get(`${SVC}.${col}.${id}`));
          assertEquals(row(2), ["web", "db", "queue"]);
          assertEquals(row(3), ["0", "1", "3"]);
          assertEquals(row(4), ["OK", "WARNING", "UNKNOWN"]);
          assertEquals(row(5), [since.toISOString(), since.toISOString(), ""]);
          assertEquals(v.get(scalar(13)), "3");

          await store.db.updateTable("object_status").set({ state: "CRITICAL" }).where(
            "object_id",
            "=",
            `s:${ids[1]}`,
          )
            .execute();
          const state = `${SVC}.3.${ids[1]}`;
          await waitFor(
            async () => (await snmp("snmpget", snmpd.udpPort, [state])).get(state) === "2",
            5000,
            "CRITICAL",
          );

          // snmpd restarts: the sub-agent opens a new session by itself
          await snmpd.stop();
          await snmpd.restart();
          await waitFor(
            async () =>
              (await snmp("snmpget", snmpd.udpPort, [scalar(1)])).get(scalar(1)) === before.hostname,
            20_000,
            "values after snmpd restart",
          );

          // the agent goes away: values stay, marked stale, and the process keeps running
          await agent.stop();
          await waitFor(
            async () => (await snmp("snmpget", snmpd.udpPort, [scalar(10)])).get(scalar(10)) === "2",
            10_000,
            "lastRefreshOk false",
          );
          const stale = await snmp("snmpget", snmpd.udpPort, [scalar(1), scalar(12)]);
          assertEquals(stale.get(scalar(1)), before.hostname);
          assert((stale.get(scalar(12)) ?? "").includes("Cannot read agent status"), stale.get(scalar(12)));
        } finally {
          const code = await p.stop();
          assertEquals(code, 0, `snmp agent exit code; stderr:\n${p.output().slice(-2000)}`);
          await snmpd.stop();
          await store.close();
        }
      });
    } finally {
      for (const p of procs) await p.stop().catch(() => {});
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
