/**
 * Stores one pulled batch of an agent's journal records in ONE transaction together with the agent's
 * cursor (`acked_seq`): counters as blocks + rollups, check results, telemetry events (through the
 * telemetry hook) and agent notices. The cursor update is conditional on the cursor the batch was
 * pulled from, so a repeated pull, a crash or a second server can never duplicate or skip a record.
 * @module
 */
import { type Kysely, sql } from "kysely";
import { copyRows, type Database, PartitionCache } from "@sonde/shared/db";
import { SondeError } from "@sonde/shared/errors";
import type { JournalRecord } from "@sonde/shared/wire/record_codec";
import {
  type AgentNotice,
  type CheckResult,
  type EventBatch,
  RecordKind,
  type SampleBatch,
  type TelemetryEvent,
} from "@sonde/shared/wire/types";
import { CounterWriter, groupSamples } from "./counters.ts";

/** Where telemetry events go: persisted inside the pull transaction, handed on after commit. */
export interface TelemetryHook<Staged = unknown> {
  /** Persists events inside the pull transaction (so a crash loses and duplicates nothing). */
  persistInTx(tx: Kysely<Database>, agentId: number, events: TelemetryEvent[]): Promise<Staged>;
  /** Called with what `persistInTx` returned after the transaction committed. */
  afterCommit(staged: Staged): void;
}

/** What one stored batch held. */
export interface IngestResult {
  records: number;
  samples: number;
  checks: number;
  events: number;
  /** Records that could not be decoded (counted, skipped). */
  rejected: number;
  ackedSeq: number;
}

const decoder = new TextDecoder();

/** Thrown when the cursor moved under us (another server stored the batch first). */
export class CursorMovedError extends SondeError {
  constructor(agentId: number, expected: number) {
    super("cursor_moved", `Cannot store batch of agent ${agentId}: its cursor is no longer ${expected}`, {
      retryable: true,
    });
  }
}

/** Stores pulled batches. One instance per server process (it caches series ids). */
export class Ingestor {
  readonly counters = new CounterWriter();
  #checkParts = new PartitionCache("check_result");
  #batchParts = new PartitionCache("ingest_batch");

  constructor(
    private readonly db: Kysely<Database>,
    private readonly telemetry?: TelemetryHook,
    private readonly holder = "",
  ) {}

  /**
   * Stores `records` pulled after `fromSeq` and advances the agent's cursor to the last record's seq.
   * Records at or below `fromSeq` are ignored (an agent resending after a lost ack).
   */
  async ingest(
    agentId: number,
    fromSeq: number,
    records: JournalRecord[],
    agentFields: Partial<
      { agent_last_seq: number; state: string; failures: number; last_ok_at: Date; last_error: null }
    > = {},
  ): Promise<IngestResult> {
    const fresh = records.filter((r) => r.seq > fromSeq);
    const result: IngestResult = {
      records: fresh.length,
      samples: 0,
      checks: 0,
      events: 0,
      rejected: 0,
      ackedSeq: fromSeq,
    };
    if (fresh.length === 0) return result;
    const lastSeq = fresh[fresh.length - 1]!.seq;
    const sampleBatches: SampleBatch[] = [];
    const checks: CheckResult[] = [];
    const events: TelemetryEvent[] = [];
    let dropped = -1;
    for (const r of fresh) {
      try {
        const value = JSON.parse(decoder.decode(r.payload));
        switch (r.kind) {
          case RecordKind.Samples:
            if (Array.isArray((value as SampleBatch).samples)) sampleBatches.push(value as SampleBatch);
            else result.rejected++;
            break;
          case RecordKind.Check:
            if (typeof (value as CheckResult).checkId === "string") checks.push(value as CheckResult);
            else result.rejected++;
            break;
          case RecordKind.Events:
            if (Array.isArray((value as EventBatch).events)) events.push(...(value as EventBatch).events);
            else result.rejected++;
            break;
          case RecordKind.Notice: {
            const n = value as AgentNotice;
            if (n.type === "dropped" && typeof n.detail?.records === "number") dropped = n.detail.records;
            break;
          }
          default:
            result.rejected++;
        }
      } catch {
        result.rejected++;
      }
    }
    const series = groupSamples(sampleBatches);
    let freshIds = new Map<string, number>();
    let staged: unknown;
    await this.db.transaction().execute(async (tx) => {
      // cursor, agent fields and the audit row in one statement; nothing is written when the cursor moved
      const now = Date.now();
      await this.#batchParts.ensure<Database>(tx, [now]);
      const f = agentFields;
      const moved = await sql<{ n: number }>`
        with u as (
          update agent set acked_seq = ${lastSeq}, last_pull_at = ${new Date(now)},
            dropped_records = coalesce(${dropped >= 0 ? dropped : null}::int8, dropped_records),
            agent_last_seq = coalesce(${f.agent_last_seq ?? null}::int8, agent_last_seq),
            state = coalesce(${f.state ?? null}::text, state),
            failures = coalesce(${f.failures ?? null}::int4, failures),
            last_ok_at = coalesce(${f.last_ok_at ?? null}::timestamptz, last_ok_at),
            last_error = case when ${f.state === "ok"} then null else last_error end
          where id = ${agentId} and acked_seq = ${fromSeq}
          returning id)
        insert into ingest_batch (agent_id, first_seq, last_seq, records, stored_at, holder)
        select id, ${fresh[0]!.seq}, ${lastSeq}, ${fresh.length}, ${new Date(now)}, ${this.holder} from u
        returning 1 as n`.execute(tx);
      if (moved.rows.length !== 1) throw new CursorMovedError(agentId, fromSeq);
      const written = await this.counters.write(tx, agentId, series);
      result.samples = written.samples;
      freshIds = written.fresh;
      if (checks.length > 0) await this.#writeChecks(tx, agentId, checks);
      result.checks = checks.length;
      if (events.length > 0 && this.telemetry) staged = await this.telemetry.persistInTx(tx, agentId, events);
      result.events = events.length;
    });
    this.counters.commit(freshIds);
    if (staged !== undefined) this.telemetry?.afterCommit(staged);
    result.ackedSeq = lastSeq;
    return result;
  }

  async #writeChecks(tx: Kysely<Database>, agentId: number, checks: CheckResult[]): Promise<void> {
    await this.#checkParts.ensure(tx, checks.map((c) => c.ts));
    await copyRows(
      tx,
      "check_result",
      ["agent_id", "check_id", "ts", "state", "message", "duration_ms", "perfdata"],
      checks.map((
        c,
      ) => [
        agentId,
        c.checkId,
        new Date(c.ts),
        c.state,
        c.message ?? "",
        c.durationMs ?? 0,
        c.perfdata ? JSON.stringify(c.perfdata) : null,
      ]),
    );
    const latest = new Map<string, CheckResult>();
    for (const c of checks) {
      const prev = latest.get(c.checkId);
      if (!prev || c.ts >= prev.ts) latest.set(c.checkId, c);
    }
    const list = [...latest.values()];
    await sql`insert into check_state as t (agent_id, check_id, ts, state, message, duration_ms, perfdata)
      select ${agentId}, id, to_timestamp(ts / 1000.0), st, msg, d, pd::jsonb
      from unnest(${list.map((c) => c.checkId)}::text[], ${list.map((c) => c.ts)}::int8[], ${
      list.map((c) => c.state)
    }::text[],
        ${list.map((c) => c.message ?? "")}::text[], ${list.map((c) => c.durationMs ?? 0)}::float8[],
        ${
      list.map((c) => (c.perfdata ? JSON.stringify(c.perfdata) : null))
    }::text[]) as u(id, ts, st, msg, d, pd)
      on conflict (agent_id, check_id) do update set ts = excluded.ts, state = excluded.state,
        message = excluded.message, duration_ms = excluded.duration_ms, perfdata = excluded.perfdata
      where excluded.ts >= t.ts`.execute(tx);
  }
}
