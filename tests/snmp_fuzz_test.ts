import dgram from "node:dgram";
import { assertEquals } from "./helpers/assert.ts";
import { freePort } from "./helpers/postgres.ts";
import { startSnmpAgent } from "../agent/snmp/snmp_agent.ts";
import { standaloneFrontend } from "../agent/snmp/standalone.ts";
import { createLogger, logSink } from "../shared/log.ts";
import { snmp } from "./snmp_fixture.ts";

Deno.test({
  name: "snmp: random and truncated datagrams neither stop the standalone agent nor flood the log",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const lines: string[] = [];
    const write = logSink.write;
    logSink.write = (l) => lines.push(l);
    const port = freePort();
    const agent = await startSnmpAgent({
      frontend: standaloneFrontend({ hostname: "127.0.0.1", port }, "public"),
      statusUrl: "http://127.0.0.1:9/status",
      refreshMs: 60_000,
      log: createLogger("snmp"),
    });
    const sock = dgram.createSocket("udp4");
    try {
      // a real v2c GET of sondeLastRefreshOk.0, then random bytes and every truncation of it
      const get = Uint8Array.from(
        atob("MCoCAQEEBnB1YmxpY6AdAgEBAgEAAgEAMBIwEAYMKwYBBAGGjR8BAQoABQA="),
        (c) => c.charCodeAt(0),
      );
      let seed = 11;
      const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const packets: Uint8Array[] = [];
      for (let n = 1; n < get.length; n++) packets.push(get.slice(0, n));
      for (let i = 0; i < 500; i++) {
        const p = Uint8Array.from({ length: 1 + Math.floor(rnd() * 90) }, () => Math.floor(rnd() * 256));
        if (i % 2 === 0) p.set(get.slice(0, Math.min(p.length, 1 + Math.floor(rnd() * get.length))));
        packets.push(p);
      }
      for (const p of packets) {
        await new Promise<void>((resolve) => sock.send(p, port, "127.0.0.1", () => resolve()));
      }
      await new Promise((r) => setTimeout(r, 500));
      const v = await snmp("snmpget", port, ["1.3.6.1.4.1.99999.1.1.10.0"]);
      assertEquals(
        v.get("1.3.6.1.4.1.99999.1.1.10.0"),
        "2",
        "still answering (and stale: no status endpoint)",
      );
      const warnings = lines.filter((l) => l.includes("snmp requests failed"));
      assertEquals(
        warnings.length <= 4,
        true,
        `${warnings.length} warnings for ${packets.length} bad packets`,
      );
    } finally {
      sock.close();
      await agent.stop();
      logSink.write = write;
    }
  },
});
