/**
 * Options, results and counters of the agent's disk journal ({@linkcode Journal} in `journal.ts`).
 * @module
 */
import type { Logger } from "@sonde/shared/log";
import type { JournalRecord } from "@sonde/shared/wire/record_codec";

/** When appended records reach the disk. */
export type FsyncPolicy = "always" | "batch" | "never";

/** Options of {@linkcode Journal.open}. */
export interface JournalOptions {
  /** Upper bound of all segment files together; default 256 MiB. */
  maxBytes?: number;
  /** Records older than this are dropped (whole segments); default 7 days; 0 disables. */
  maxAgeMs?: number;
  /** A segment is closed once it reaches this size; default 4 MiB (at most a quarter of maxBytes). */
  segmentBytes?: number;
  /** `always`: fsync every append; `batch`: every `fsyncIntervalMs` and on flush; `never`: leave it to the OS. */
  fsync?: FsyncPolicy;
  /** Default 200 ms. */
  fsyncIntervalMs?: number;
  /** Largest record accepted; default 64 MiB. */
  maxRecordBytes?: number;
  log?: Logger;
  /**
   * Told (on a later microtask, so it may append) about every segment the bounds dropped while it
   * still held unacknowledged records.
   */
  onDrop?: (drop: JournalDrop) => void;
}

/** Unacknowledged records dropped by a bound, from one segment. */
export interface JournalDrop {
  records: number;
  bytes: number;
  /** Seq range of the segment dropped. */
  firstSeq: number;
  lastSeq: number;
  reason: "bytes" | "age";
}

/** Records read from the journal: decoded views plus the raw bytes, ready to ship as they are. */
export interface JournalBatch {
  records: JournalRecord[];
  /** The records concatenated in the on-disk (and wire) format. */
  bytes: Uint8Array;
  /** Seq of the last record returned, or the `afterSeq` asked for when there was nothing. */
  lastSeq: number;
}

/** Counters of the journal. */
export interface JournalStats {
  /** Bytes of all retained segments. */
  bytes: number;
  /** Retained records not yet acknowledged. */
  records: number;
  /** Time (ms) of the oldest unacknowledged record, or `null` when there is none. */
  oldestTs: number | null;
  /** First retained seq (`lastSeq + 1` when nothing is retained). */
  firstSeq: number;
  lastSeq: number;
  ackedSeq: number;
  droppedRecords: number;
  droppedBytes: number;
}
