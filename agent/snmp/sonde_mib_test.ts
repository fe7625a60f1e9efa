import { assertEquals } from "../../tests/helpers/assert.ts";
import { netSnmp } from "./net_snmp.ts";
import { applySnapshot, counter64, initialValues, sondeProviders } from "./sonde_mib.ts";

function freshMib() {
  const mib = netSnmp.createMib();
  for (const p of sondeProviders()) mib.registerProvider(p);
  initialValues(mib);
  return mib;
}

const status = {
  hostname: "h1",
  version: "0.1.0",
  uptimeS: 12.7,
  configVersion: 4,
  buffer: { bytes: 6_000_000_000, records: 3, oldestAgeS: 9 },
  drops: { records: 1, bytes: 70 },
};

Deno.test("mib: a snapshot fills the scalars; a failed one keeps them and says so", () => {
  const mib = freshMib();
  assertEquals(mib.getScalarValue("sondeLastRefreshOk"), 2);
  applySnapshot(mib, { status, lastOkAt: 1000 }, 3000);
  assertEquals(mib.getScalarValue("sondeAgentHostname"), "h1");
  assertEquals(mib.getScalarValue("sondeAgentUptime"), 12);
  assertEquals(Number(mib.getScalarValue("sondeBufferBytes").valueOf()), 6_000_000_000);
  assertEquals([mib.getScalarValue("sondeLastRefreshOk"), mib.getScalarValue("sondeLastRefreshAge")], [1, 2]);
  applySnapshot(mib, { error: "Cannot read agent status: refused", lastOkAt: 1000 }, 9000);
  assertEquals(mib.getScalarValue("sondeAgentHostname"), "h1");
  assertEquals(mib.getScalarValue("sondeLastRefreshOk"), 2);
  assertEquals(mib.getScalarValue("sondeLastRefreshAge"), 8);
  assertEquals(mib.getScalarValue("sondeLastRefreshError"), "Cannot read agent status: refused");
});

Deno.test("mib: the service table is replaced, rows that vanished are gone", () => {
  const mib = freshMib();
  const row = (id: number, state: string) => ({ id, name: `svc${id}`, state, since: "" });
  applySnapshot(mib, { status, services: [row(1, "OK"), row(2, "CRITICAL")], lastOkAt: 1 });
  applySnapshot(mib, { status, services: [row(2, "WARNING"), row(5, "bogus")], lastOkAt: 1 });
  assertEquals(mib.getTableCells("sondeServiceEntry", true), [
    [2, "svc2", 1, "WARNING", ""],
    [5, "svc5", 3, "bogus", ""],
  ]);
  assertEquals(mib.getScalarValue("sondeServiceCount"), 2);
  applySnapshot(mib, { status, services: [], lastOkAt: 1 });
  assertEquals(mib.getScalarValue("sondeServiceCount"), 0);
});

Deno.test("mib: Counter64 values carry both the 8 bytes and the number", () => {
  const c = counter64(2 ** 40 + 5);
  assertEquals([...c], [0, 0, 1, 0, 0, 0, 0, 5]);
  assertEquals(BigInt(c as unknown as bigint), 2n ** 40n + 5n);
});
