/**
 * Request assembly on the Server: pulled events are grouped by request id across all agents; a request
 * is finished at its root LEAVE plus a grace window (late events from other hosts), or by the timeout
 * (then `incomplete`); a finished request is appended to the day's segment file and one row per log
 * pool goes into `request`. See docs/TELEMETRY.md for the crash-safety contract.
 *
 * @example
 * ```ts
 * const assembler = await createAssembler({ store, dataDir: "./data" });
 * // inside the pull transaction, with the agent cursor:
 * const staged = await assembler.persistInTx(tx, agentId, events);
 * // after commit:
 * assembler.ingestStaged(staged);
 * // every second:
 * await assembler.flush();
 * ```
 * @module
 */
import type { Kysely, Transaction } from "kysely";
import { type Database, PartitionCache, type Store } from "@sonde/shared/db";
import { createLogger } from "@sonde/shared/log";
import type { AppRegistration, TelemetryEvent } from "@sonde/shared/wire/telemetry";
import { loadLogPools, PoolRouter } from "./log_pools.ts";
import { type DueRequest, isUsableEvent, OpenRequests, type OpenStats } from "./open_requests.ts";
import {
  deletePending,
  groupByRequest,
  loadPending,
  persistPending,
  type StagedEvents,
  writtenRequestIds,
} from "./pending.ts";
import { PendingRefs } from "./pending_refs.ts";
import { encodeRequest } from "@sonde/shared/telemetry/segment_format";
import { dayOf, type RecordLocation, SegmentWriter } from "./segment_writer.ts";
import { summarize, type Summary } from "./summarize.ts";
import { Registrations } from "./registrations.ts";
import { writeRequestRows, type WrittenRequest } from "./request_rows.ts";

/** Options of {@linkcode createAssembler}. */
export interface AssemblerOptions {
  store: Store;
  /** Data folder; segment files go to `<dataDir>/telemetry/YYYY-MM-DD/`. */
  dataDir: string;
  /** Wait after the root LEAVE for late events from other hosts. Default 5000 ms. */
  graceMs?: number;
  /** A request without root LEAVE is finished as incomplete after this. Default 5 min. */
  timeoutMs?: number;
  /** Default 100000. */
  maxOpenRequests?: number;
  /** Default 2000000. */
  maxOpenEvents?: number;
  /** Segment roll-over size. Default 256 MiB. */
  maxSegmentBytes?: number;
  /** Called once per distinct application registration seen (auto-registration). */
  onRegistration?: (app: AppRegistration) => void;
  /** Clock (tests). Default `Date.now`. */
  clock?: () => number;
  /** Load pending rows left by a previous run on start (default true). */
  recover?: boolean;
}

/** A request written by {@linkcode Assembler.flush}. */
export interface FinishedRequest extends RecordLocation {
  requestId: string;
  name: string;
  startUs: number;
  durationUs: number;
  status: Summary["status"];
  agents: number[];
  applications: string[];
  eventCount: number;
  logPoolIds: number[];
}

/** Counters of the assembler. */
export interface AssemblerStats extends OpenStats {
  finished: number;
  incomplete: number;
  bytesWritten: number;
  flushErrors: number;
  recoveredEvents: number;
  /** Recovered events of requests already written before the restart (skipped). */
  recoveredSkipped: number;
  /** Pulled events missing fields assembly needs (dropped). */
  invalidEvents: number;
  /** Requests that could not be summarized or encoded (dropped). */
  unwritable: number;
  /** Pending rows still holding events of open requests. */
  pendingRows: number;
  /** Time spent in flushes: building and writing records, and writing rows (ms, since start). */
  flushMs: { files: number; rows: number };
  registrations: number;
}

/** The assembler. */
export interface Assembler {
  /**
   * Stores one pulled batch as a pending row with the caller's transaction; call
   * {@linkcode ingestStaged} after commit. `raw` is the UTF-8 JSON of the journal records holding
   * exactly `events` (`{"app"?:…,"events":[…]}` each) when at hand.
   */
  persistInTx(
    tx: Transaction<Database> | Kysely<Database>,
    agentId: number,
    events: TelemetryEvent[],
    raw?: Uint8Array[],
  ): Promise<StagedEvents>;
  /** Adds events stored by {@linkcode persistInTx} (after the transaction committed). */
  ingestStaged(staged: StagedEvents): void;
  /** Adds events without crash safety (no pending rows). */
  ingest(agentId: number, events: TelemetryEvent[]): void;
  /** Writes every due request (file, then rows + pending deletion in one transaction); returns them. */
  flush(now?: number): Promise<FinishedRequest[]>;
  /** Re-reads log pools (after one was created or changed). */
  reloadLogPools(): Promise<void>;
  /** Highest level any log pool wants for an application name. */
  levelFor(appName: string): number;
  /** Every distinct application registration seen since start. */
  registrationsSeen(): AppRegistration[];
  stats(): AssemblerStats;
  /** Flushes what is due and closes files; open requests stay pending for the next start. */
  stop(): Promise<void>;
}

/** Failed flushes of one batch before its requests are written one by one. */
const ISOLATE_AFTER_FAILURES = 5;

/** Creates an assembler; loads log pools and (by default) rebuilds open requests from pending rows. */
export async function createAssembler(options: AssemblerOptions): Promise<Assembler> {
  const log = createLogger("server/telemetry");
  const db = options.store.db;
  const clock = options.clock ?? Date.now;
  const open = new OpenRequests({
    graceMs: options.graceMs ?? 5000,
    timeoutMs: options.timeoutMs ?? 300_000,
    maxOpenRequests: options.maxOpenRequests ?? 100_000,
    maxOpenEvents: options.maxOpenEvents ?? 2_000_000,
  });
  const writer = new SegmentWriter(options.dataDir, options.maxSegmentBytes);
  const registrations = new Registrations(options.onRegistration, log);
  const partitions = new Map<number, PartitionCache>();
  const refs = new PendingRefs();
  let router = new PoolRouter(await loadLogPools(db));
  let retry: DueRequest[] = [];
  let finished = 0;
  let incomplete = 0;
  let flushErrors = 0;
  /** Consecutive failed flushes of the same batch. */
  let failedFlushes = 0;
  let recoveredEvents = 0;
  let recoveredSkipped = 0;
  let invalidEvents = 0;
  let unwritable = 0;
  let flushing: Promise<FinishedRequest[]> | undefined;
  const flushMs = { files: 0, rows: 0 };

  const add = (agentId: number, pulled: TelemetryEvent[], pendingId?: number, skip?: Set<string>): number => {
    const events = pulled.filter(isUsableEvent);
    invalidEvents += pulled.length - events.length;
    registrations.see(events);
    const now = clock();
    let held = 0;
    for (const [requestId, evs] of groupByRequest(events)) {
      if (skip?.has(requestId)) {
        recoveredSkipped += evs.length;
        continue;
      }
      if (open.add(requestId, agentId, evs, now, pendingId)) held++;
    }
    if (pendingId !== undefined) refs.add(pendingId, held);
    return held;
  };

  const finishedOf = (written: WrittenRequest[]): FinishedRequest[] =>
    written.map(({ s, loc, pools }) => ({
      ...loc,
      requestId: s.requestId,
      name: s.name,
      startUs: s.startUs,
      durationUs: s.durationUs,
      status: s.status,
      agents: s.agents,
      applications: s.applications,
      eventCount: s.events.length,
      logPoolIds: pools.map((p) => p.id),
    }));

  const writeRows = (written: WrittenRequest[], freed: number[]) =>
    writeRequestRows(db, partitions, written, (tx) => deletePending(tx, freed));

  const writeFiles = async (due: DueRequest[]): Promise<WrittenRequest[]> => {
    const byDay = new Map<string, { s: Summary[]; records: string[] }>();
    for (const r of due) {
      let s: Summary;
      let record: string;
      try {
        s = summarize(r);
        record = encodeRequest(s);
      } catch (e) {
        unwritable++;
        log.warn("dropping a request that cannot be stored", { requestId: r.requestId, error: e });
        continue;
      }
      const day = dayOf(s.startUs);
      const list = byDay.get(day) ?? { s: [], records: [] };
      list.s.push(s);
      list.records.push(record);
      byDay.set(day, list);
    }
    const written: WrittenRequest[] = [];
    for (const [day, list] of byDay) {
      const locs = await writer.appendMany(day, list.records);
      list.s.forEach((s, k) => {
        written.push({ s, loc: locs[k]!, pools: router.route(s.appNames) });
      });
    }
    await writer.sync();
    return written;
  };

  /** Writes each request alone; one that still fails is dropped and counted (its pending rows freed). */
  const flushOneByOne = async (due: DueRequest[]): Promise<FinishedRequest[]> => {
    const out: FinishedRequest[] = [];
    for (const r of due) {
      try {
        const written = await writeFiles([r]);
        await writeRows(written, refs.releasable(r.pendingIds));
        out.push(...finishedOf(written));
      } catch (e) {
        unwritable++;
        log.warn("dropping a request that cannot be stored", { requestId: r.requestId, error: e });
      }
      refs.release(r.pendingIds);
    }
    finished += out.length;
    incomplete += out.filter((f) => f.status === "incomplete").length;
    return out;
  };

  const doFlush = async (now: number): Promise<FinishedRequest[]> => {
    const due = [...retry, ...open.takeDue(now)];
    retry = [];
    const held = due.flatMap((r) => r.pendingIds);
    const freed = refs.releasable(held);
    if (due.length === 0 && freed.length === 0) return [];
    let written: WrittenRequest[];
    try {
      const t0 = performance.now();
      written = await writeFiles(due);
      const t1 = performance.now();
      await writeRows(written, freed);
      flushMs.files += t1 - t0;
      flushMs.rows += performance.now() - t1;
    } catch (e) {
      flushErrors++;
      failedFlushes++;
      if (failedFlushes >= ISOLATE_AFTER_FAILURES && due.length > 1) {
        // the same batch keeps failing: write requests one by one so one bad request cannot block the rest
        failedFlushes = 0;
        log.error("writing requests one by one after repeated failures", { requests: due.length, error: e });
        return await flushOneByOne(due);
      }
      retry = due;
      if (failedFlushes === 1 || failedFlushes % 20 === 0) {
        log.error("cannot write assembled requests, will retry", {
          requests: due.length,
          attempts: failedFlushes,
          error: e,
        });
      }
      return [];
    }
    failedFlushes = 0;
    refs.release(held);
    writer.closeOldDays();
    const out = finishedOf(written);
    finished += out.length;
    incomplete += out.filter((r) => r.status === "incomplete").length;
    return out;
  };

  const assembler: Assembler = {
    persistInTx: (tx, agentId, events, raw) => persistPending(tx, agentId, events, raw),
    ingestStaged(staged) {
      add(staged.agentId, staged.events, staged.pendingId);
    },
    ingest(agentId, events) {
      add(agentId, events);
    },
    flush(now = clock()) {
      const run = (flushing ?? Promise.resolve([])).then(() => doFlush(now));
      flushing = run.catch(() => []);
      return run;
    },
    async reloadLogPools() {
      router = new PoolRouter(await loadLogPools(db));
    },
    levelFor: (appName) => router.levelFor(appName),
    registrationsSeen: () => registrations.all(),
    stats: () => ({
      ...open.stats(),
      finished,
      incomplete,
      bytesWritten: writer.bytesWritten,
      flushErrors,
      recoveredEvents,
      recoveredSkipped,
      invalidEvents,
      unwritable,
      pendingRows: refs.size,
      flushMs: { files: Math.round(flushMs.files), rows: Math.round(flushMs.rows) },
      registrations: registrations.count(),
    }),
    async stop() {
      await assembler.flush().catch(() => {});
      await writer.close();
    },
  };

  if (options.recover !== false) {
    const pending = await loadPending(db, 500, (id, error) => {
      log.error("a pending telemetry row cannot be read; its events are not assembled (the row is kept)", {
        id,
        error,
      });
    });
    const ids = new Set<string>();
    for (const p of pending) for (const e of p.events) ids.add(e.requestId);
    const written = await writtenRequestIds(db, [...ids]);
    for (const p of pending) {
      recoveredEvents += p.events.length;
      add(p.agentId, p.events, p.pendingId, written);
    }
    if (recoveredEvents > 0) {
      log.info("rebuilt open requests from pending events", {
        events: recoveredEvents,
        skipped: recoveredSkipped,
      });
    }
  }
  return assembler;
}
