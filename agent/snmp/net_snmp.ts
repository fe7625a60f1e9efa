/**
 * A typed view of the parts of net-snmp (an untyped CommonJS package) that Sonde uses: the MIB store, the
 * AgentX sub-agent and the standalone UDP agent of the SNMP agent, and the client session of the SNMP
 * check. The casts live here and nowhere else.
 * @module
 */
import snmp from "net-snmp";

/** A value stored in the MIB (Counter64 values are 8-byte big-endian buffers). */
export type MibValue = string | number | Uint8Array;

/** A scalar or table provider definition (net-snmp's shape). */
export interface Provider {
  name: string;
  type: number;
  oid: string;
  scalarType?: number;
  maxAccess: number;
  tableColumns?: { number: number; name: string; type: number; maxAccess: number }[];
  tableIndex?: { columnName: string }[];
}

/** net-snmp's MIB: providers and the values behind them. */
export interface Mib {
  registerProvider(p: Provider): void;
  setScalarValue(name: string, value: MibValue): void;
  getScalarValue(name: string): MibValue;
  addTableRow(table: string, row: MibValue[]): void;
  deleteTableRow(table: string, index: MibValue[]): boolean;
  getTableCells(table: string, byRows?: boolean, includeInstances?: boolean): MibValue[][];
}

/** An AgentX PDU as handed to callbacks (only the fields read here). */
export interface AgentXPdu {
  error?: number;
  sessionID?: number;
}

/** net-snmp's AgentX sub-agent (an EventEmitter: `close`, `error`). */
export interface Subagent {
  open(cb: (error: Error | null, pdu?: AgentXPdu) => void): void;
  close(cb: (error: Error | null) => void): void;
  registerProvider(p: Provider, cb: (error: Error | null, pdu?: AgentXPdu) => void): void;
  getMib(): Mib;
  on(event: "close", fn: () => void): void;
  on(event: "error", fn: (e: Error) => void): void;
  socket?: { destroy(): void };
}

/** net-snmp's standalone agent. */
export interface Agent {
  getMib(): Mib;
  getAuthorizer(): { addCommunity(name: string): void };
  registerProvider(p: Provider): void;
  close(cb?: () => void): void;
}

/** One value read by a client session. */
export interface Varbind {
  oid: string;
  type: number;
  value: unknown;
}

/** A client session (SNMP v1 / v2c GET). */
export interface Session {
  get(oids: string[], cb: (error: Error | null, varbinds?: Varbind[]) => void): void;
  close(): void;
  on(event: "error", cb: (e: Error) => void): void;
}

interface NetSnmp {
  MibProviderType: { Scalar: number; Table: number };
  ObjectType: Record<
    "Integer" | "OctetString" | "Gauge32" | "Counter64" | "TimeTicks" | "Counter" | "Gauge",
    number
  >;
  Version1: number;
  Version2c: number;
  createSession(
    host: string,
    community: string,
    options: { port: number; version: number; timeout: number; retries: number },
  ): Session;
  isVarbindError(v: Varbind): boolean;
  varbindError(v: Varbind): string;
  MaxAccess: Record<"not-accessible" | "read-only", number>;
  createMib(): Mib;
  createSubagent(o: { master: string; masterPort: number; mib: Mib; description: string }): Subagent;
  createAgent(
    o: { port: number; address: string; transport: "udp4"; disableAuthorization?: boolean },
    cb: (error: Error | null) => void,
    mib: Mib,
  ): Agent;
}

/** The net-snmp module, typed. */
export const netSnmp = snmp as unknown as NetSnmp;
