/**
 * Reading records out of journal segments: from a start position, across segment boundaries, up to a
 * byte budget (always at least one record), returning decoded views and the raw bytes to ship.
 * @module
 */
import { decodeRecordAt, type JournalRecord } from "@sonde/shared/wire/record_codec";
import { INDEX_EVERY_BYTES, readRange, type Segment } from "./segment.ts";

/** A position in the segment list: segment number and byte offset inside it. */
export interface ReadPosition {
  si: number;
  pos: number;
}

/** Records read, their concatenated bytes and where the next read would start. */
export interface SegmentRead {
  records: JournalRecord[];
  bytes: Uint8Array;
  end: ReadPosition;
}

/** Index of the last segment whose first seq is ≤ `seq` (0 when none). */
export function findSegment(segments: readonly Segment[], seq: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid]!.firstSeq <= seq) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/**
 * Reads records with seq ≥ `from` starting at `start`, up to `maxBytes` (at least one record).
 * `onCorrupt` is called for a segment holding a bad record; reading then goes on with the next one.
 */
export function readSegments(
  segments: readonly Segment[],
  start: ReadPosition,
  from: number,
  maxBytes: number,
  maxRecordBytes: number,
  onCorrupt: (seg: Segment, reason: string) => void,
): SegmentRead {
  const records: JournalRecord[] = [];
  const parts: Uint8Array[] = [];
  let total = 0;
  let { si, pos } = start;
  let chunkSize = 0;
  outer: while (si < segments.length) {
    const seg = segments[si]!;
    if (pos >= seg.bytes) {
      si++;
      pos = 0;
      continue;
    }
    const budget = Math.max(maxBytes - total, 0);
    chunkSize = Math.max(chunkSize, Math.min(seg.bytes - pos, budget + INDEX_EVERY_BYTES, 16 << 20), 4096);
    const chunk = readRange(seg.path, pos, Math.min(chunkSize, seg.bytes - pos));
    let o = 0;
    let takeStart = -1;
    let problem: string | undefined;
    for (;;) {
      let found;
      try {
        found = decodeRecordAt(chunk, o, maxRecordBytes, pos + o);
      } catch (e) {
        problem = (e as Error).message;
        break;
      }
      if (!found) {
        if (o === 0 && chunk.length >= seg.bytes - pos) {
          problem = `segment ends inside a record at byte ${pos}`;
        }
        break;
      }
      const len = found.end - o;
      if (found.record.seq >= from) {
        if (records.length > 0 && total + len > maxBytes) {
          if (takeStart >= 0) parts.push(chunk.subarray(takeStart, o));
          pos += o;
          break outer;
        }
        if (takeStart < 0) takeStart = o;
        records.push(found.record);
        total += len;
      }
      o = found.end;
    }
    if (takeStart >= 0) parts.push(chunk.subarray(takeStart, o));
    if (problem !== undefined) {
      onCorrupt(seg, problem);
      si++;
      pos = 0;
      continue;
    }
    if (o === 0) chunkSize *= 2;
    pos += o;
  }
  return { records, bytes: parts.length === 1 ? parts[0]! : concat(parts, total), end: { si, pos } };
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
