/**
 * The agent's status document, served by `GET /v1/status` (mTLS) and `GET /status` (local, plain
 * HTTP, for the SNMP agent and operators). It holds counters only, nothing secret.
 * @module
 */
import { VERSION } from "@sonde/shared/version";
import type { Journal } from "../buffer/journal.ts";

/** `GET /v1/status` and `GET /status`. */
export interface AgentStatus {
  hostname: string;
  version: string;
  uptimeS: number;
  configVersion: number;
  buffer: {
    /** Bytes of the journal on disk. */
    bytes: number;
    /** Records not yet acknowledged by a server. */
    records: number;
    /** Age of the oldest unacknowledged record, seconds (0 when there is none). */
    oldestAgeS: number;
    firstSeq: number;
    lastSeq: number;
    ackedSeq: number;
  };
  /** Records dropped by the journal's byte or age bound since it was created. */
  drops: { records: number; bytes: number };
}

/** What the status is built from. */
export interface StatusSource {
  hostname: string;
  startedAt: number;
  journal: Journal;
  configVersion(): number;
}

/** Builds the status document now. */
export function agentStatus(src: StatusSource, now = Date.now()): AgentStatus {
  const s = src.journal.stats();
  return {
    hostname: src.hostname,
    version: VERSION,
    uptimeS: Math.floor((now - src.startedAt) / 1000),
    configVersion: src.configVersion(),
    buffer: {
      bytes: s.bytes,
      records: s.records,
      oldestAgeS: s.oldestTs === null ? 0 : Math.max(0, Math.floor((now - s.oldestTs) / 1000)),
      firstSeq: s.firstSeq,
      lastSeq: s.lastSeq,
      ackedSeq: s.ackedSeq,
    },
    drops: { records: s.droppedRecords, bytes: s.droppedBytes },
  };
}
