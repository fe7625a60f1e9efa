/**
 * The agent's pull endpoint as the Server calls it (over the shared mTLS client).
 * @module
 */
import type { MtlsClient } from "@sonde/shared/mtls";
import { SondeError } from "@sonde/shared/errors";
import { decodeRecords, type JournalRecord } from "@sonde/shared/wire/record_codec";

/** What `GET /v1/status` reports. */
export interface AgentStatus {
  hostname?: string;
  version?: string;
  uptimeS?: number;
  configVersion?: number;
  buffer?: {
    bytes?: number;
    records?: number;
    oldestAgeS?: number;
    firstSeq?: number;
    lastSeq?: number;
    ackedSeq?: number;
  };
  drops?: { records?: number; bytes?: number };
}

/** One page of records. */
export interface RecordPage {
  records: JournalRecord[];
  /** The last sequence number in this page (`after` when empty). */
  lastSeq: number;
  /** The agent's newest sequence number at the time of the answer. */
  journalLastSeq: number;
  bytes: number;
}

function origin(address: string): string {
  return `https://${address}`;
}

function failIfNot2xx(address: string, what: string, status: number, body: Uint8Array): void {
  if (status >= 200 && status < 300) return;
  const text = new TextDecoder().decode(body.subarray(0, 300));
  throw new SondeError("agent_error", `Cannot ${what} agent ${address}: HTTP ${status} ${text}`, {
    retryable: status >= 500,
  });
}

/** Calls one agent. */
export class AgentApi {
  constructor(private readonly client: MtlsClient, private readonly timeoutMs = 20_000) {}

  async status(address: string): Promise<AgentStatus> {
    const r = await this.client.request(`${origin(address)}/v1/status`, { timeoutMs: this.timeoutMs });
    failIfNot2xx(address, "read status of", r.status, r.body);
    return JSON.parse(new TextDecoder().decode(r.body)) as AgentStatus;
  }

  /** Reads the records after `after`, acknowledging everything up to `after` (stored already). */
  async records(address: string, after: number, maxBytes: number): Promise<RecordPage> {
    const r = await this.client.request(
      `${origin(address)}/v1/records?after=${after}&maxBytes=${maxBytes}&ack=1`,
      {
        timeoutMs: this.timeoutMs,
      },
    );
    failIfNot2xx(address, "pull", r.status, r.body);
    let records: JournalRecord[];
    try {
      records = decodeRecords(r.body);
    } catch (e) {
      throw new SondeError(
        "agent_error",
        `Cannot decode records from agent ${address}: ${(e as Error).message}`,
        { retryable: true },
      );
    }
    const last = records.at(-1)?.seq ?? after;
    const journalLast = Number(r.headers["x-sonde-journal-last-seq"] ?? last);
    return {
      records,
      lastSeq: last,
      journalLastSeq: Number.isFinite(journalLast) ? journalLast : last,
      bytes: r.body.length,
    };
  }

  /** Offers a configuration; returns whether the agent applied it and the version it runs now. */
  async pushConfig(
    address: string,
    version: number,
    config: unknown,
  ): Promise<{ applied: boolean; version: number }> {
    const r = await this.client.request(`${origin(address)}/v1/config`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ version, config }),
      timeoutMs: this.timeoutMs,
    });
    failIfNot2xx(address, "configure", r.status, r.body);
    try {
      const answer = JSON.parse(new TextDecoder().decode(r.body)) as { applied?: boolean; version?: number };
      return {
        applied: answer.applied !== false,
        version: typeof answer.version === "number" ? answer.version : version,
      };
    } catch {
      return { applied: true, version };
    }
  }
}
