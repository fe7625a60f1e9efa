/**
 * The agent's disk journal: append-only segment files of records in the shared record format, each
 * with a sequence number that never repeats. Bounded by bytes and by age (the oldest segments are
 * dropped first, acknowledged or not, and every dropped record is counted); acknowledged segments are
 * freed; after `kill -9` the torn tail of the last segment is cut and the sequence continues.
 * @module
 */
import { createLogger, type Logger } from "@sonde/shared/log";
import { SondeError } from "@sonde/shared/errors";
import { DEFAULT_MAX_RECORD_BYTES, RECORD_HEADER_BYTES } from "@sonde/shared/wire/record_codec";
import type { JournalBatch, JournalDrop, JournalOptions, JournalStats } from "./journal_types.ts";
import { initialState, type JournalState, loadState, saveState } from "./journal_state.ts";
import { recoverSegments, scanAndCut } from "./recover.ts";
import { indexFloor, scanSegment, type Segment } from "./segment.ts";
import { SegmentWriter } from "./segment_writer.ts";
import { findSegment, readSegments } from "./segment_reader.ts";

export type {
  FsyncPolicy,
  JournalBatch,
  JournalDrop,
  JournalOptions,
  JournalStats,
} from "./journal_types.ts";

const EMPTY = new Uint8Array(0);

const LOCK_FILE = "journal.lock";
const LOCK_RETRY_MS = 1_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Takes the journal's lock file (`flock`, exclusive, released when the process ends however it ends) and
 * writes this process's id into it; throws when another process holds it.
 */
function lockJournal(dir: string): Deno.FsFile {
  const path = `${dir}/${LOCK_FILE}`;
  const file = Deno.openSync(path, { read: true, write: true, create: true });
  let locked = false;
  try {
    // A child process another part of this process is starting holds a copy of every descriptor
    // between its fork and its exec (they are close-on-exec): a lock this process has just released can
    // look taken for that moment, so a refusal is retried briefly before it counts.
    const deadline = Date.now() + LOCK_RETRY_MS;
    while (!(locked = file.tryLockSync(true)) && Date.now() < deadline) sleepSync(10);
  } catch (e) {
    file.close();
    throw e;
  }
  if (!locked) {
    let holder = "";
    try {
      holder = Deno.readTextFileSync(path).trim();
    } catch { /* named below as unknown */ }
    file.close();
    const pid = holder || "unknown";
    throw new SondeError(
      "journal_locked",
      `Cannot open the journal in ${dir}: another process (pid ${pid}) has it open; run one agent per data folder`,
    );
  }
  try {
    file.truncateSync(0);
    file.writeSync(new TextEncoder().encode(`${Deno.pid}\n`));
  } catch {
    // the pid is only for the message a second process shows; the lock itself is held
  }
  return file;
}

/** The disk journal. Not safe for two processes on one folder. */
export class Journal {
  readonly dir: string;
  readonly #o: Required<Omit<JournalOptions, "log" | "onDrop">>;
  readonly #onDrop: ((drop: JournalDrop) => void) | undefined;
  readonly #log: Logger;
  #state: JournalState;
  #segments: Segment[] = [];
  #active: SegmentWriter | undefined;
  #totalBytes = 0;
  #closed = false;
  #writeTimer: ReturnType<typeof setTimeout> | undefined;
  #fsyncTimer: ReturnType<typeof setTimeout> | undefined;
  #timers: ReturnType<typeof setInterval>[] = [];
  #cursor: { seq: number; seg: Segment; offset: number } | undefined;
  #oldest: { seq: number; ts: number } | undefined;
  #lock: Deno.FsFile | undefined;

  private constructor(dir: string, options: JournalOptions) {
    this.dir = dir;
    const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
    this.#o = {
      maxBytes,
      maxAgeMs: options.maxAgeMs ?? 7 * 86_400_000,
      segmentBytes: Math.max(
        4096,
        Math.min(options.segmentBytes ?? 4 * 1024 * 1024, Math.floor(maxBytes / 4)),
      ),
      fsync: options.fsync ?? "batch",
      fsyncIntervalMs: options.fsyncIntervalMs ?? 200,
      maxRecordBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    };
    this.#log = options.log ?? createLogger("agent/buffer");
    this.#onDrop = options.onDrop;
    this.#state = this.#loadState();
  }

  /**
   * Loads `state.json`. A corrupt one is not fatal: acknowledgements and drop counters are lost (the
   * server deduplicates what is sent again), and `nextSeq` restarts from the current time in µs, far
   * above any seq handed out before, so sequence numbers still never repeat.
   */
  #loadState(): JournalState {
    try {
      return loadState(this.dir);
    } catch (e) {
      const state = initialState();
      state.nextSeq = Date.now() * 1000;
      this.#log.error("journal state unreadable, sequence restarts above any earlier one", {
        dir: this.dir,
        error: (e as Error).message,
        nextSeq: state.nextSeq,
      });
      return state;
    }
  }

  /**
   * Opens (or creates) the journal in `dir`, cutting a torn tail left by a crash.
   * @throws {SondeError} `journal_locked` when another process has the journal open (two agents on
   * one data folder would hand out the same sequence numbers).
   */
  static open(dir: string, options: JournalOptions = {}): Journal {
    Deno.mkdirSync(dir, { recursive: true });
    const lock = lockJournal(dir);
    try {
      const journal = new Journal(dir, options);
      journal.#lock = lock;
      journal.#recover();
      journal.#startTimers();
      return journal;
    } catch (e) {
      lock.close();
      throw e;
    }
  }

  #recover(): void {
    this.#segments = recoverSegments(this.dir, this.#state, this.#o.maxRecordBytes, this.#log);
    this.#totalBytes = this.#segments.reduce((n, seg) => n + seg.bytes, 0);
    this.#enforceBounds();
    this.#save();
  }

  /** Scans a segment, builds its index and cuts a corrupt tail (counting lost records as dropped). */
  #scan(seg: Segment, why: string): void {
    if (this.#active?.seg === seg) this.#closeActive(); // later appends go to a fresh segment
    const i = this.#segments.indexOf(seg);
    const next = this.#segments[i + 1];
    const expectedLast = next ? next.firstSeq - 1 : this.#state.nextSeq - 1;
    this.#totalBytes -= scanAndCut(seg, expectedLast, this.#state, this.#o.maxRecordBytes, this.#log, why);
    if (this.#cursor?.seg === seg) this.#cursor = undefined;
  }

  #startTimers(): void {
    if (this.#o.maxAgeMs > 0) {
      const every = Math.max(50, Math.min(60_000, Math.floor(this.#o.maxAgeMs / 4)));
      this.#timers.push(setInterval(() => this.#guard(() => this.#enforceBounds()), every));
    }
    for (const t of this.#timers) Deno.unrefTimer(t);
  }

  #guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#log.error("journal background work failed", { dir: this.dir, error: (e as Error).message });
    }
  }

  /**
   * Appends one record and returns its seq. The record is buffered and handed to the OS on the next
   * turn of the event loop (or at once with fsync `always`); {@linkcode flush} makes it durable.
   * @throws {RangeError} when the record exceeds `maxRecordBytes`.
   */
  append(kind: number, payload: Uint8Array, ts: number = Date.now()): number {
    if (this.#closed) throw new Error(`Cannot append to journal "${this.dir}": it is closed`);
    const length = RECORD_HEADER_BYTES + payload.length;
    if (length > this.#o.maxRecordBytes) {
      throw new RangeError(
        `Cannot append to journal: record of ${length} bytes exceeds maxRecordBytes ${this.#o.maxRecordBytes}`,
      );
    }
    const active = this.#active ?? this.#startSegment();
    const seq = this.#state.nextSeq++;
    this.#totalBytes += active.append(seq, kind, ts, payload);
    if (this.#o.fsync === "always") this.#sync();
    else if (this.#writeTimer === undefined) {
      this.#writeTimer = setTimeout(() => {
        this.#writeTimer = undefined;
        this.#guard(() => this.#writePending());
      }, 0);
    }
    // armed only while there is something to sync, so an idle journal wakes nobody up
    if (this.#o.fsync === "batch" && this.#fsyncTimer === undefined) {
      this.#fsyncTimer = setTimeout(() => {
        this.#fsyncTimer = undefined;
        this.#guard(() => this.#sync());
      }, this.#o.fsyncIntervalMs);
      Deno.unrefTimer(this.#fsyncTimer);
    }
    if (active.seg.bytes >= this.#o.segmentBytes) {
      this.#closeActive();
      this.#enforceBounds();
    }
    return seq;
  }

  #startSegment(): SegmentWriter {
    const active = SegmentWriter.create(this.dir, this.#state.nextSeq, this.#o.fsync !== "never");
    this.#segments.push(active.seg);
    this.#active = active;
    return active;
  }

  #writePending(): void {
    this.#active?.write();
  }

  #sync(): void {
    this.#active?.sync(this.#o.fsync !== "never");
  }

  #closeActive(): void {
    this.#active?.close(this.#o.fsync !== "never");
    this.#active = undefined;
  }

  /** Writes buffered records to the OS and, unless fsync is `never`, to the disk. */
  flush(): void {
    if (!this.#closed) this.#sync();
  }

  /** First retained seq (`lastSeq + 1` when nothing is retained). */
  get firstSeq(): number {
    return this.#state.firstSeq;
  }

  /** Seq of the last appended record (0 before the first). */
  get lastSeq(): number {
    return this.#state.nextSeq - 1;
  }

  #lastSeqOf(i: number): number {
    const seg = this.#segments[i]!;
    if (seg.lastSeq !== undefined) return seg.lastSeq;
    const next = this.#segments[i + 1];
    return next ? next.firstSeq - 1 : seg.firstSeq - 1;
  }

  /**
   * Acknowledges every record up to `seq`: segments whose records are all acknowledged are deleted,
   * and the acknowledgement is persisted so a restart does not resend them.
   * @throws {RangeError} when `seq` is beyond the last appended record.
   */
  ack(seq: number): void {
    if (!Number.isSafeInteger(seq) || seq < 0) {
      throw new RangeError(`Cannot acknowledge seq ${seq}: must be a non-negative integer`);
    }
    if (seq > this.lastSeq) {
      throw new RangeError(`Cannot acknowledge seq ${seq}: the last record is ${this.lastSeq}`);
    }
    if (seq <= this.#state.ackedSeq) return;
    this.#state.ackedSeq = seq;
    let n = 0;
    while (n < this.#segments.length && this.#lastSeqOf(n) <= seq) n++;
    this.#remove(n);
  }

  /** Removes the first `n` segments: state first, then files, so a crash in between stays consistent. */
  #remove(n: number): void {
    if (n === 0) {
      this.#save();
      return;
    }
    const gone = this.#segments.splice(0, n);
    if (this.#active && gone.includes(this.#active.seg)) this.#closeActive();
    for (const seg of gone) this.#totalBytes -= seg.bytes;
    this.#state.firstSeq = this.#segments[0]?.firstSeq ?? this.#state.nextSeq;
    this.#save();
    for (const seg of gone) {
      if (this.#cursor?.seg === seg) this.#cursor = undefined;
      try {
        Deno.removeSync(seg.path);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
    }
  }

  #save(): void {
    this.#writePending();
    saveState(this.dir, this.#state, this.#o.fsync !== "never");
  }

  /** Drops the oldest closed segments beyond the byte bound or older than the age bound. */
  #enforceBounds(): void {
    const now = Date.now();
    const maxAge = this.#o.maxAgeMs;
    const a = this.#active;
    if (maxAge > 0 && a && a.seg.records! > 0 && a.seg.lastTs < now - maxAge) this.#closeActive();
    const room = this.#o.maxBytes - this.#o.segmentBytes;
    const activeBytes = this.#active?.seg.bytes ?? 0;
    let closedBytes = this.#totalBytes - activeBytes;
    let n = 0;
    const drops: JournalDrop[] = [];
    const closedCount = this.#segments.length - (this.#active ? 1 : 0);
    while (n < closedCount) {
      const seg = this.#segments[n]!;
      const stale = maxAge > 0 && seg.lastTs < now - maxAge;
      if (closedBytes <= room && !stale) break;
      const drop = this.#countDrop(n, stale ? "age" : "bytes");
      if (drop) drops.push(drop);
      closedBytes -= seg.bytes;
      n++;
    }
    if (n > 0) this.#remove(n);
    const onDrop = this.#onDrop;
    if (onDrop && drops.length > 0) {
      queueMicrotask(() => {
        for (const d of drops) this.#guard(() => onDrop(d));
      });
    }
  }

  #countDrop(i: number, reason: JournalDrop["reason"]): JournalDrop | undefined {
    const seg = this.#segments[i]!;
    const acked = this.#state.ackedSeq;
    const lastSeq = this.#lastSeqOf(i);
    if (lastSeq <= acked) return undefined;
    let records: number;
    let bytes: number;
    if (seg.firstSeq > acked && seg.records !== undefined) {
      records = seg.records;
      bytes = seg.bytes;
    } else {
      const r = scanSegment(seg.path, seg.firstSeq, acked, this.#o.maxRecordBytes);
      records = r.recordsAfter;
      bytes = r.bytesAfter;
    }
    this.#state.droppedRecords += records;
    this.#state.droppedBytes += bytes;
    this.#log.warn("journal bound reached, dropped unacknowledged records", {
      segment: seg.path,
      records,
      bytes,
      reason,
      totalDroppedRecords: this.#state.droppedRecords,
    });
    return { records, bytes, firstSeq: Math.max(seg.firstSeq, acked + 1), lastSeq, reason };
  }

  #startOffset(seg: Segment, seq: number): number {
    const c = this.#cursor;
    if (c && c.seg === seg && c.seq === seq) return c.offset;
    if (!seg.index) this.#scan(seg, "read");
    const i = indexFloor(seg.index!, seq);
    return i < 0 ? 0 : seg.index!.offsets[i]!;
  }

  /**
   * Reads records with seq > `afterSeq`, up to `maxBytes` in total but always at least one record
   * when there is one. Records dropped by a bound are skipped: the batch starts at the first retained.
   */
  read(afterSeq: number, maxBytes: number): JournalBatch {
    this.#writePending();
    const from = Math.max(afterSeq + 1, this.#state.firstSeq);
    if (from > this.lastSeq || this.#segments.length === 0) {
      return { records: [], bytes: EMPTY, lastSeq: afterSeq };
    }
    const si = findSegment(this.#segments, from);
    const start = { si, pos: this.#startOffset(this.#segments[si]!, from) };
    const segs = [...this.#segments];
    const r = readSegments(segs, start, from, maxBytes, this.#o.maxRecordBytes, (seg, reason) => {
      this.#log.error("corrupt journal segment", { segment: seg.path, error: reason });
      this.#scan(seg, "read");
    });
    const last = r.records.at(-1);
    if (!last) return { records: [], bytes: EMPTY, lastSeq: afterSeq };
    const seg = segs[Math.min(r.end.si, segs.length - 1)]!;
    this.#cursor = { seq: last.seq + 1, seg, offset: r.end.si < segs.length ? r.end.pos : seg.bytes };
    return { records: r.records, bytes: r.bytes, lastSeq: last.seq };
  }

  /** Current counters. */
  stats(): JournalStats {
    const s = this.#state;
    const lastSeq = this.lastSeq;
    const firstUnacked = Math.max(s.ackedSeq + 1, s.firstSeq);
    let oldestTs: number | null = null;
    if (firstUnacked <= lastSeq) {
      if (this.#oldest?.seq !== firstUnacked) {
        const r = this.read(firstUnacked - 1, 1).records[0];
        this.#oldest = r ? { seq: r.seq, ts: r.ts } : undefined;
      }
      oldestTs = this.#oldest?.ts ?? null;
    }
    return {
      bytes: this.#totalBytes,
      records: Math.max(0, lastSeq - firstUnacked + 1),
      oldestTs,
      firstSeq: s.firstSeq,
      lastSeq,
      ackedSeq: s.ackedSeq,
      droppedRecords: s.droppedRecords,
      droppedBytes: s.droppedBytes,
    };
  }

  /** Flushes, persists the state and closes files and timers. Idempotent. */
  close(): void {
    if (this.#closed) return;
    if (this.#writeTimer !== undefined) clearTimeout(this.#writeTimer);
    if (this.#fsyncTimer !== undefined) clearTimeout(this.#fsyncTimer);
    for (const t of this.#timers) clearInterval(t);
    try {
      this.#closeActive();
      this.#save();
    } finally {
      this.#closed = true;
      this.#lock?.close(); // releases the lock
      this.#lock = undefined;
    }
  }
}
