/**
 * SONDE-MIB served by the standalone agent in this process: `deno task bench snmp`
 * prints `BENCH snmp_get_13_scalars_p50_ms` (one GET of every agent scalar, net-snmp client over UDP,
 * median of 300) and `BENCH snmp_refresh_ms` (one refresh from a local status endpoint, median of 50).
 * (Kept under tests/ because bench/ is not the SNMP agent's folder.)
 */
import snmp from "net-snmp";
import { median, report } from "./median.ts";
import { startSnmpAgent } from "../agent/snmp/snmp_agent.ts";
import { standaloneFrontend } from "../agent/snmp/standalone.ts";
import { freePort } from "../tests/helpers/postgres.ts";
import { createLogger, logSink } from "../shared/log.ts";

logSink.level = "warn";
const statusServer = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () =>
  Response.json({
    hostname: "bench",
    version: "0.1.0",
    uptimeS: 1,
    configVersion: 1,
    buffer: { bytes: 1, records: 1, oldestAgeS: 0, firstSeq: 1, lastSeq: 1, ackedSeq: 0 },
    drops: { records: 0, bytes: 0 },
  }));
const port = freePort();
const agent = await startSnmpAgent({
  frontend: standaloneFrontend({ hostname: "127.0.0.1", port }, "public"),
  statusUrl: `http://127.0.0.1:${statusServer.addr.port}/status`,
  refreshMs: 60_000,
  log: createLogger("snmp-bench"),
});
const session = snmp.createSession("127.0.0.1", "public", {
  port,
  version: snmp.Version2c,
  sourceAddress: "127.0.0.1",
  timeout: 2000,
});
const oids = Array.from({ length: 13 }, (_, i) => `1.3.6.1.4.1.99999.1.1.${i + 1}.0`);
const get = () =>
  new Promise<void>((resolve, reject) =>
    session.get(
      oids,
      (e: Error | null, vbs: unknown[]) => (e ? reject(e) : vbs.length === 13 ? resolve() : reject()),
    )
  );
for (let i = 0; i < 20; i++) await get();
const gets: number[] = [];
for (let i = 0; i < 300; i++) {
  const t = performance.now();
  await get();
  gets.push(performance.now() - t);
}
const refreshes: number[] = [];
for (let i = 0; i < 50; i++) {
  const t = performance.now();
  await agent.refresh();
  refreshes.push(performance.now() - t);
}
report("snmp_get_13_scalars_p50_ms", Number(median(gets).toFixed(2)), "ms");
report("snmp_refresh_ms", Number(median(refreshes).toFixed(2)), "ms");
session.close();
await agent.stop();
await statusServer.shutdown();
Deno.exit(0);
