/**
 * Stores pulled pages of agents' journal records in ONE transaction together with each agent's cursor
 * (`acked_seq`): counters as blocks + rollups, check results, telemetry events (through the telemetry
 * hook), agent notices and an audit row. The cursor update is conditional on the cursor the page was
 * pulled from, so a repeated pull, a crash or a second server can never duplicate or skip a record.
 * Pages of many agents may share one transaction (group commit): one COPY, one rollup statement and
 * one cursor statement for all of them.
 * @module
 */
import { type Kysely, sql } from "kysely";
import { copyRows, type Database, PartitionCache } from "@sonde/shared/db";
import { SondeError } from "@sonde/shared/errors";
import type { JournalRecord } from "@sonde/shared/wire/record_codec";
import {
  type AgentNotice,
  type CheckResult,
  eventsOfBatch,
  RecordKind,
  type SampleBatch,
  type TelemetryEvent,
  withoutBom,
} from "@sonde/shared/wire/types";
import { CounterWriter, groupSamples, type SeriesBatch } from "./counters.ts";

/** Where telemetry events go: persisted inside the pull transaction, handed on after commit. */
export interface TelemetryHook<Staged = unknown> {
  /**
   * Persists events inside the pull transaction (so a crash loses and duplicates nothing). `raw` is
   * the JSON of the event batches the events came from (`{"app"?:…,"events":[…]}` each, together
   * exactly `events`), to store without serializing again.
   */
  persistInTx(
    tx: Kysely<Database>,
    agentId: number,
    events: TelemetryEvent[],
    raw: Uint8Array[],
  ): Promise<Staged>;
  /** Called with what `persistInTx` returned after the transaction committed. */
  afterCommit(staged: Staged): void;
}

/** Agent columns refreshed together with the cursor. */
export type AgentFields = Partial<
  { agent_last_seq: number; state: string; failures: number; last_ok_at: Date }
>;

/** One agent's page to store. */
export interface IngestItem {
  agentId: number;
  /** The cursor the page was pulled from. */
  fromSeq: number;
  records: JournalRecord[];
  agentFields?: AgentFields;
}

/** What one stored page held. */
export interface IngestResult {
  records: number;
  samples: number;
  checks: number;
  events: number;
  /** Records that could not be decoded (counted, skipped). */
  rejected: number;
  /** Telemetry events outside the accepted time window (a week back, a day ahead). */
  rejectedEvents: number;
  ackedSeq: number;
}

const decoder = new TextDecoder();
/** Refuses invalid UTF-8, so the bytes of a record that decodes can go to PostgreSQL as they are. */
const strictDecoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** Thrown when the cursor moved under us (another server stored the batch first). */
export class CursorMovedError extends SondeError {
  constructor(agentId: number, expected: number) {
    super("cursor_moved", `Cannot store batch of agent ${agentId}: its cursor is no longer ${expected}`, {
      retryable: true,
    });
  }
}

interface Parsed {
  item: IngestItem;
  fresh: JournalRecord[];
  lastSeq: number;
  series: Map<string, SeriesBatch>;
  checks: CheckResult[];
  events: TelemetryEvent[];
  /** JSON of the batches holding exactly `events`. */
  rawEvents: Uint8Array[];
  dropped: number | null;
  result: IngestResult;
}

const STATES = new Set(["OK", "WARNING", "CRITICAL", "UNKNOWN"]);
/** Telemetry older than this or further ahead is refused (a wrong clock would create far partitions). */
const EVENT_WINDOW_PAST_US = 7 * 86_400_000_000;
const EVENT_WINDOW_FUTURE_US = 86_400_000_000;

function storable(text: unknown, max: number): string {
  const s = typeof text === "string" ? text.slice(0, max) : "";
  return s.includes("\0") || !s.isWellFormed() ? s.replaceAll("\0", "\uFFFD").toWellFormed() : s;
}

/** A check result with every field usable, or undefined (counted as rejected). */
function checkOf(v: unknown): CheckResult | undefined {
  const c = v as CheckResult;
  if (
    typeof c?.checkId !== "string" || c.checkId === "" || !Number.isSafeInteger(c.ts) || !STATES.has(c.state)
  ) return undefined;
  return {
    checkId: storable(c.checkId, 200),
    ts: c.ts,
    state: c.state,
    message: storable(c.message, 4000),
    durationMs: Number.isFinite(c.durationMs) ? c.durationMs : 0,
    perfdata: Array.isArray(c.perfdata)
      ? JSON.parse(storable(JSON.stringify(c.perfdata), 64_000) || "[]")
      : undefined,
  };
}

/** A sample batch with usable times and keys, or undefined (counted as rejected). */
function samplesOf(v: unknown): SampleBatch | undefined {
  const b = v as SampleBatch;
  if (!Number.isSafeInteger(b?.ts) || !Array.isArray(b.samples)) return undefined;
  return {
    ts: b.ts,
    samples: b.samples.filter((x) =>
      typeof x?.key === "string" && x.key !== "" && x.key.length <= 500 && !x.key.includes("\0")
    ),
  };
}

function parse(item: IngestItem, nowUs = Date.now() * 1000): Parsed {
  const fresh = item.records.filter((r) => r.seq > item.fromSeq);
  const result: IngestResult = {
    records: fresh.length,
    samples: 0,
    checks: 0,
    events: 0,
    rejected: 0,
    rejectedEvents: 0,
    ackedSeq: item.fromSeq,
  };
  const sampleBatches: SampleBatch[] = [];
  const checks: CheckResult[] = [];
  const events: TelemetryEvent[] = [];
  const rawEvents: Uint8Array[] = [];
  let dropped: number | null = null;
  for (const r of fresh) {
    try {
      let text: string;
      let utf8 = true;
      try {
        text = strictDecoder.decode(r.payload);
      } catch {
        text = decoder.decode(r.payload); // invalid bytes become U+FFFD: keep what was parsed, not the bytes
        utf8 = false;
      }
      const value = JSON.parse(text);
      switch (r.kind) {
        case RecordKind.Samples: {
          const b = samplesOf(value);
          if (b) sampleBatches.push(b);
          else result.rejected++;
          break;
        }
        case RecordKind.Check: {
          const c = checkOf(value);
          if (c) checks.push(c);
          else result.rejected++;
          break;
        }
        case RecordKind.Events: {
          const batch = eventsOfBatch(value);
          if (!batch) {
            result.rejected++;
            break;
          }
          const kept = batch.filter((e) => {
            const t = e?.tsUs;
            return typeof t === "number" && t > nowUs - EVENT_WINDOW_PAST_US &&
              t < nowUs + EVENT_WINDOW_FUTURE_US;
          });
          result.rejectedEvents += batch.length - kept.length;
          if (kept.length === 0) break;
          for (const e of kept) events.push(e);
          if (kept.length < batch.length) rawEvents.push(encoder.encode(JSON.stringify({ events: kept })));
          else rawEvents.push(utf8 ? withoutBom(r.payload) : encoder.encode(text));
          break;
        }
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
  result.checks = checks.length;
  result.events = events.length;
  const lastSeq = fresh.at(-1)?.seq ?? item.fromSeq;
  return {
    item,
    fresh,
    lastSeq,
    series: groupSamples(sampleBatches),
    checks,
    events,
    rawEvents,
    dropped,
    result,
  };
}

/** Stores pulled pages. One instance per server process (it caches series ids). */
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
    agentFields: AgentFields = {},
  ): Promise<IngestResult> {
    return (await this.ingestMany([{ agentId, fromSeq, records, agentFields }]))[0]!;
  }

  /**
   * Stores the pages of several agents in one transaction (all or nothing).
   * @throws {CursorMovedError} when any agent's cursor is no longer the one its page was read from.
   */
  async ingestMany(items: IngestItem[]): Promise<IngestResult[]> {
    const parsed = items.map((i) => parse(i));
    const work = parsed.filter((p) => p.fresh.length > 0);
    if (work.length === 0) return parsed.map((p) => p.result);
    let freshIds = new Map<string, number>();
    const staged: unknown[] = [];
    await this.db.transaction().execute(async (tx) => {
      await this.#advanceCursors(tx, work);
      const written = await this.counters.writeMany(
        tx,
        work.map((p) => ({ agentId: p.item.agentId, series: p.series })),
      );
      freshIds = written.fresh;
      for (const p of work) p.result.samples = [...p.series.values()].reduce((n, s) => n + s.ts.length, 0);
      const checks = work.flatMap((p) => p.checks.map((c) => ({ agentId: p.item.agentId, c })));
      if (checks.length > 0) await this.#writeChecks(tx, checks);
      if (this.telemetry) {
        for (const p of work) {
          if (p.events.length > 0) {
            staged.push(await this.telemetry.persistInTx(tx, p.item.agentId, p.events, p.rawEvents));
          }
        }
      }
    });
    this.counters.commit(freshIds);
    for (const s of staged) this.telemetry?.afterCommit(s);
    for (const p of work) p.result.ackedSeq = p.lastSeq;
    return parsed.map((p) => p.result);
  }

  /** Cursors, agent fields and audit rows of every page in one statement; throws when a cursor moved. */
  async #advanceCursors(tx: Kysely<Database>, work: Parsed[]): Promise<void> {
    const now = Date.now();
    await this.#batchParts.ensure<Database>(tx, [now]);
    const col = <T>(f: (p: Parsed) => T) => work.map(f);
    const moved = await sql<{ agent_id: number }>`
      with v as (
        select * from unnest(${col((p) => p.item.agentId)}::int4[], ${col((p) => p.item.fromSeq)}::int8[],
          ${col((p) => p.lastSeq)}::int8[], ${col((p) => p.fresh[0]!.seq)}::int8[], ${
      col((p) => p.fresh.length)
    }::int4[],
          ${col((p) => p.dropped)}::int8[], ${col((p) => p.item.agentFields?.agent_last_seq ?? null)}::int8[],
          ${col((p) => p.item.agentFields?.state ?? null)}::text[], ${
      col((p) => p.item.agentFields?.failures ?? null)
    }::int4[],
          ${col((p) => p.item.agentFields?.last_ok_at?.toISOString() ?? null)}::text[])
          as v(id, fr, tt, fs, n, dr, al, st, fa, ok)),
      u as (
        update agent a set acked_seq = v.tt, last_pull_at = ${new Date(now)},
          dropped_records = coalesce(v.dr, a.dropped_records),
          agent_last_seq = coalesce(v.al, a.agent_last_seq),
          state = coalesce(v.st, a.state),
          failures = coalesce(v.fa, a.failures),
          last_ok_at = coalesce(v.ok::timestamptz, a.last_ok_at),
          last_error = case when v.st = 'ok' then null else a.last_error end
        from v where a.id = v.id and a.acked_seq = v.fr
        returning a.id)
      insert into ingest_batch (agent_id, first_seq, last_seq, records, stored_at, holder)
      select v.id, v.fs, v.tt, v.n, ${new Date(now)}, ${this.holder} from v join u on u.id = v.id
      returning agent_id`.execute(tx);
    if (moved.rows.length !== work.length) {
      const ok = new Set(moved.rows.map((r) => r.agent_id));
      const p = work.find((w) => !ok.has(w.item.agentId))!;
      throw new CursorMovedError(p.item.agentId, p.item.fromSeq);
    }
  }

  async #writeChecks(tx: Kysely<Database>, checks: { agentId: number; c: CheckResult }[]): Promise<void> {
    await this.#checkParts.ensure(tx, checks.map((x) => x.c.ts));
    await copyRows(
      tx,
      "check_result",
      ["agent_id", "check_id", "ts", "state", "message", "duration_ms", "perfdata"],
      checks.map(({ agentId, c }) => [
        agentId,
        c.checkId,
        new Date(c.ts),
        c.state,
        c.message ?? "",
        c.durationMs ?? 0,
        c.perfdata ? JSON.stringify(c.perfdata) : null,
      ]),
    );
    const latest = new Map<string, { agentId: number; c: CheckResult }>();
    for (const x of checks) {
      const key = `${x.agentId}\0${x.c.checkId}`;
      const prev = latest.get(key);
      if (!prev || x.c.ts >= prev.c.ts) latest.set(key, x);
    }
    const list = [...latest.values()];
    await sql`insert into check_state as t (agent_id, check_id, ts, state, message, duration_ms, perfdata)
      select a, id, to_timestamp(ts / 1000.0), st, msg, d, pd::jsonb
      from unnest(${list.map((x) => x.agentId)}::int4[], ${list.map((x) => x.c.checkId)}::text[], ${
      list.map((x) => x.c.ts)
    }::int8[],
        ${list.map((x) => x.c.state)}::text[], ${list.map((x) => x.c.message ?? "")}::text[],
        ${list.map((x) => x.c.durationMs ?? 0)}::float8[],
        ${
      list.map((x) => (x.c.perfdata ? JSON.stringify(x.c.perfdata) : null))
    }::text[]) as u(a, id, ts, st, msg, d, pd)
      on conflict (agent_id, check_id) do update set ts = excluded.ts, state = excluded.state,
        message = excluded.message, duration_ms = excluded.duration_ms, perfdata = excluded.perfdata
      where excluded.ts >= t.ts`.execute(tx);
  }
}
