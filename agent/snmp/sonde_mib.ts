/**
 * SONDE-MIB (see `SONDE-MIB.txt`) under the private enterprise arc 1.3.6.1.4.1.99999.1: agent scalars
 * and a table of services, kept in a net-snmp MIB that the sub-agent or the standalone agent serves.
 * @module
 */
import { Buffer } from "node:buffer";
import type { AgentStatus } from "./source.ts";
import { type Mib, type MibValue, netSnmp, type Provider } from "./net_snmp.ts";

/** Root of SONDE-MIB: `sonde` (enterprise 99999 is a placeholder until a PEN is assigned). */
export const SONDE_OID = "1.3.6.1.4.1.99999.1";

/** A service row of `sondeServiceTable`. */
export interface ServiceRow {
  /** Service id (the table index, > 0). */
  id: number;
  name: string;
  /** `OK`, `WARNING`, `CRITICAL` or `UNKNOWN`. */
  state: string;
  /** When the state began (ISO 8601). */
  since: string;
}

/** State text → `SondeState` integer. */
export const STATE_CODES: Readonly<Record<string, number>> = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 };

const T = netSnmp.ObjectType;
const RO = netSnmp.MaxAccess["read-only"];
const GAUGE_MAX = 2 ** 32 - 1;

/** Scalars under `sondeAgent` (…99999.1.1.<n>.0): name, sub-id, type. */
const SCALARS: [string, number, number][] = [
  ["sondeAgentHostname", 1, T.OctetString],
  ["sondeAgentVersion", 2, T.OctetString],
  ["sondeAgentUptime", 3, T.Gauge32],
  ["sondeAgentConfigVersion", 4, T.Integer],
  ["sondeBufferBytes", 5, T.Counter64],
  ["sondeBufferRecords", 6, T.Gauge32],
  ["sondeBufferOldestAge", 7, T.Gauge32],
  ["sondeDropRecords", 8, T.Counter64],
  ["sondeDropBytes", 9, T.Counter64],
  ["sondeLastRefreshOk", 10, T.Integer],
  ["sondeLastRefreshAge", 11, T.Gauge32],
  ["sondeLastRefreshError", 12, T.OctetString],
  ["sondeServiceCount", 13, T.Gauge32],
];

const TABLE = "sondeServiceEntry";

/** Every provider of SONDE-MIB, in registration order. */
export function sondeProviders(): Provider[] {
  const scalars: Provider[] = SCALARS.map(([name, n, type]) => ({
    name,
    type: netSnmp.MibProviderType.Scalar,
    oid: `${SONDE_OID}.1.${n}`,
    scalarType: type,
    maxAccess: RO,
  }));
  const table: Provider = {
    name: TABLE,
    type: netSnmp.MibProviderType.Table,
    oid: `${SONDE_OID}.2.1`,
    maxAccess: netSnmp.MaxAccess["not-accessible"],
    tableColumns: [
      { number: 1, name: "sondeServiceIndex", type: T.Integer, maxAccess: RO },
      { number: 2, name: "sondeServiceName", type: T.OctetString, maxAccess: RO },
      { number: 3, name: "sondeServiceState", type: T.Integer, maxAccess: RO },
      { number: 4, name: "sondeServiceStateText", type: T.OctetString, maxAccess: RO },
      { number: 5, name: "sondeServiceSince", type: T.OctetString, maxAccess: RO },
    ],
    tableIndex: [{ columnName: "sondeServiceIndex" }],
  };
  return [...scalars, table];
}

const gauge = (n: number) => Math.max(0, Math.min(GAUGE_MAX, Math.floor(n)));

/**
 * A Counter64 value for net-snmp: its UDP agent writes the 8 big-endian bytes of a Buffer, its AgentX
 * writer calls `BigInt(value)`; a Buffer whose `valueOf` gives the number satisfies both.
 */
export function counter64(n: number): Buffer {
  const v = BigInt(Math.max(0, Math.floor(n)));
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(v);
  Object.defineProperty(b, "valueOf", { value: () => v });
  return b;
}

/** What one refresh found; `status` undefined when the agent's status could not be read. */
export interface Snapshot {
  status?: AgentStatus;
  services?: ServiceRow[];
  error?: string;
  /** Time of the last successful status read (ms since epoch), 0 if never. */
  lastOkAt: number;
}

/** Writes `snap` into `mib`; failed parts keep their previous (stale) values. */
export function applySnapshot(mib: Mib, snap: Snapshot, now = Date.now()): void {
  const set = (name: string, v: MibValue) => mib.setScalarValue(name, v);
  const s = snap.status;
  if (s) {
    set("sondeAgentHostname", s.hostname);
    set("sondeAgentVersion", s.version);
    set("sondeAgentUptime", gauge(s.uptimeS));
    set("sondeAgentConfigVersion", Math.floor(s.configVersion));
    set("sondeBufferBytes", counter64(s.buffer.bytes));
    set("sondeBufferRecords", gauge(s.buffer.records));
    set("sondeBufferOldestAge", gauge(s.buffer.oldestAgeS));
    set("sondeDropRecords", counter64(s.drops.records));
    set("sondeDropBytes", counter64(s.drops.bytes));
  }
  set("sondeLastRefreshOk", snap.error ? 2 : 1); // TruthValue: 1 true, 2 false
  set("sondeLastRefreshAge", snap.lastOkAt ? gauge((now - snap.lastOkAt) / 1000) : GAUGE_MAX);
  set("sondeLastRefreshError", snap.error ?? "");
  if (snap.services) replaceServices(mib, snap.services);
}

const shownRows = new WeakMap<Mib, number[]>();

function replaceServices(mib: Mib, rows: ServiceRow[]): void {
  // synchronous, so no SNMP request sees a half-replaced table
  for (const id of shownRows.get(mib) ?? []) mib.deleteTableRow(TABLE, [id]);
  shownRows.set(mib, rows.map((r) => r.id));
  for (const r of rows) {
    const code = STATE_CODES[r.state] ?? STATE_CODES.UNKNOWN!;
    mib.addTableRow(TABLE, [r.id, r.name, code, r.state, r.since]);
  }
  mib.setScalarValue("sondeServiceCount", rows.length);
}

/** Initial values so every scalar answers before the first refresh. */
export function initialValues(mib: Mib): void {
  for (const [name, , type] of SCALARS) {
    mib.setScalarValue(name, type === T.OctetString ? "" : type === T.Counter64 ? counter64(0) : 0);
  }
  mib.setScalarValue("sondeLastRefreshOk", 2);
  mib.setScalarValue("sondeLastRefreshError", "not refreshed yet");
}
