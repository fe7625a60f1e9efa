/**
 * The agent's SNMP value check against a real snmpd: numbers against ranges with perfdata, text against
 * a substring, the same values `snmpget` reads, an OID snmpd does not have, a wrong community (snmpd
 * stays silent) and a v1 read.
 */
import { assert, assertEquals, assertMatch } from "./helpers/assert.ts";
import { parseAgentConfig, type SnmpParams } from "@sonde/shared/wire/agent_config";
import { runCheck } from "../agent/check/runner.ts";
import { snmp, startSnmpd } from "./snmp_fixture.ts";

const ctx = { latest: () => undefined };
const SYS_DESCR = "1.3.6.1.2.1.1.1.0";
const SYS_UPTIME = "1.3.6.1.2.1.1.3.0"; // TimeTicks (1/100 s) since snmpd started

Deno.test({
  name: "snmp check: numbers against ranges, text against a substring, missing OIDs and silence",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "sonde-snmp-check-" });
    const snmpd = await startSnmpd(dir);
    const check = (params: Partial<SnmpParams>, timeoutMs = 3000) =>
      parseAgentConfig({
        checks: [{ id: "s", type: "snmp", timeoutMs, params: { port: snmpd.udpPort, ...params } }],
      }).checks[0]!;
    try {
      const truth = await snmp("snmpget", snmpd.udpPort, [SYS_DESCR, SYS_UPTIME]);
      const ticks = Number(/\d+/.exec(truth.get(SYS_UPTIME) ?? "")?.[0]);
      assert(Number.isInteger(ticks), `snmpget reads sysUpTime: ${truth.get(SYS_UPTIME)}`);

      const ok = await runCheck(check({ oid: SYS_UPTIME, label: "uptime", warn: "0:" }), ctx);
      assertEquals(ok.state, "OK", ok.message);
      assertMatch(ok.message, /^SNMP uptime = \d+$/);
      const value = ok.perfdata?.[0]?.value ?? -1;
      assert(
        value >= ticks && value < ticks + 1000,
        `the value snmpget read (${ticks}), moments later: ${value}`,
      );
      const inside = await runCheck(check({ oid: `.${SYS_UPTIME}`, crit: "@0:8640000000" }), ctx);
      assertEquals(inside.state, "CRITICAL", inside.message);
      assertMatch(
        inside.message,
        new RegExp(`^CRITICAL: ${SYS_UPTIME} = \\d+ \\(warn -, crit @0:8640000000\\)$`),
      );

      const descr = truth.get(SYS_DESCR)!;
      const word = descr.split(" ")[0]!;
      const text = await runCheck(check({ oid: SYS_DESCR, expect: word, version: "1" }), ctx);
      assertEquals(text.state, "OK", text.message);
      assertEquals(text.message, `SNMP ${SYS_DESCR} = ${JSON.stringify(descr)}`);
      const missing = await runCheck(check({ oid: SYS_DESCR, expect: "no such words" }), ctx);
      assertEquals(missing.state, "CRITICAL");
      const nan = await runCheck(check({ oid: SYS_DESCR, warn: "10" }), ctx);
      assertEquals(nan.state, "UNKNOWN");
      assertMatch(nan.message, /is not a number/);

      const absent = await runCheck(check({ oid: "1.3.6.1.4.1.99999.42.0" }), ctx);
      assertEquals(absent.state, "UNKNOWN", absent.message);
      assertMatch(
        absent.message,
        /has no value for 1\.3\.6\.1\.4\.1\.99999\.42\.0 \(NoSuch(Object|Instance)/,
      );

      const absentV1 = await runCheck(check({ oid: "1.3.6.1.4.1.99999.42.0", version: "1" }), ctx);
      assertEquals(absentV1.state, "UNKNOWN", absentV1.message);
      assertMatch(absentV1.message, /refused 1\.3\.6\.1\.4\.1\.99999\.42\.0: NoSuchName/);

      const t0 = performance.now();
      const silent = await runCheck(check({ oid: SYS_DESCR, community: "wrong" }, 1000), ctx);
      assertEquals(silent.state, "CRITICAL", silent.message);
      assert(performance.now() - t0 < 3000, "gives up within the timeout");
    } finally {
      await snmpd.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
