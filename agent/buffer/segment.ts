/**
 * Journal segment files: one append-only file per segment, named by the sequence number of its first
 * record (`00000000000000000042.seg`), holding records in the shared record format. This module
 * scans a segment (finding a torn or corrupt tail) and keeps a sparse in-memory index of it.
 * @module
 */
import { decodeRecordAt } from "@sonde/shared/wire/record_codec";

/** Distance in bytes between two entries of a segment's sparse index. */
export const INDEX_EVERY_BYTES = 32 * 1024;

const SUFFIX = ".seg";

/** Sparse index: `offsets[i]` is where the record `seqs[i]` starts. */
export interface SegmentIndex {
  seqs: number[];
  offsets: number[];
}

/** What the journal knows about one segment. */
export interface Segment {
  firstSeq: number;
  path: string;
  /** Bytes of the segment, including records still waiting in the write buffer. */
  bytes: number;
  /** Records and last seq, when known (appended in this process or scanned). */
  records: number | undefined;
  lastSeq: number | undefined;
  /** Newest record time (ms), or the file's modification time when not scanned. */
  lastTs: number;
  index: SegmentIndex | undefined;
}

/** File name of the segment whose first record is `firstSeq`. */
export function segmentName(firstSeq: number): string {
  return String(firstSeq).padStart(20, "0") + SUFFIX;
}

/** First seq encoded in a segment file name, or `undefined` for other files. */
export function parseSegmentName(name: string): number | undefined {
  if (!name.endsWith(SUFFIX)) return undefined;
  const digits = name.slice(0, -SUFFIX.length);
  if (!/^\d{1,20}$/.test(digits)) return undefined;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Result of reading a whole segment file. */
export interface ScanResult {
  records: number;
  /** Seq of the last good record, or `firstSeq - 1` when there is none. */
  lastSeq: number;
  lastTs: number;
  /** Length of the valid prefix; anything after it is a torn or corrupt tail. */
  goodBytes: number;
  fileBytes: number;
  /** Why the scan stopped before the end of the file. */
  problem: string | undefined;
  index: SegmentIndex;
  /** Records (and their bytes) with seq greater than the `afterSeq` given to the scan. */
  recordsAfter: number;
  bytesAfter: number;
}

/**
 * Reads a segment and walks its records. Stops at the first record that is incomplete, fails its
 * checksum, or does not continue the sequence (seq must increase).
 */
export function scanSegment(
  path: string,
  firstSeq: number,
  afterSeq = -1,
  maxRecordBytes?: number,
): ScanResult {
  const bytes = Deno.readFileSync(path);
  const index: SegmentIndex = { seqs: [], offsets: [] };
  let offset = 0;
  let lastIndexed = -Infinity;
  let records = 0;
  let lastSeq = firstSeq - 1;
  let lastTs = 0;
  let recordsAfter = 0;
  let bytesAfter = 0;
  let problem: string | undefined;
  while (offset < bytes.length) {
    let found;
    try {
      found = decodeRecordAt(bytes, offset, maxRecordBytes);
    } catch (e) {
      problem = (e as Error).message;
      break;
    }
    if (!found) {
      problem = `record at byte ${offset} is incomplete (${bytes.length - offset} bytes left)`;
      break;
    }
    const { record, end } = found;
    if (record.seq <= lastSeq || (records === 0 && record.seq !== firstSeq)) {
      problem = `record at byte ${offset} has seq ${record.seq} where ${lastSeq + 1} or more was expected`;
      break;
    }
    if (offset - lastIndexed >= INDEX_EVERY_BYTES) {
      index.seqs.push(record.seq);
      index.offsets.push(offset);
      lastIndexed = offset;
    }
    if (record.seq > afterSeq) {
      recordsAfter++;
      bytesAfter += end - offset;
    }
    records++;
    lastSeq = record.seq;
    if (record.ts > lastTs) lastTs = record.ts;
    offset = end;
  }
  return {
    records,
    lastSeq,
    lastTs,
    goodBytes: offset,
    fileBytes: bytes.length,
    problem,
    index,
    recordsAfter,
    bytesAfter,
  };
}

/** Greatest index position whose seq is ≤ `seq`, or -1. */
export function indexFloor(index: SegmentIndex, seq: number): number {
  let lo = 0;
  let hi = index.seqs.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (index.seqs[mid]! <= seq) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** Reads `length` bytes of a file from `offset` (fewer at the end of the file). */
export function readRange(path: string, offset: number, length: number): Uint8Array {
  const file = Deno.openSync(path, { read: true });
  try {
    file.seekSync(offset, Deno.SeekMode.Start);
    const out = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const n = file.readSync(out.subarray(got));
      if (n === null || n === 0) break;
      got += n;
    }
    return got === length ? out : out.subarray(0, got);
  } finally {
    file.close();
  }
}

/** Writes `data` fully to `file` (writeSync may write less than asked). */
export function writeAll(file: Deno.FsFile, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) done += file.writeSync(data.subarray(done));
}
