/**
 * Journal recovery: finds the segment files of a journal folder, deletes those already acknowledged
 * or dropped, and cuts a torn or corrupt tail so appends continue after the last good record.
 * @module
 */
import type { Logger } from "@sonde/shared/log";
import type { JournalState } from "./journal_state.ts";
import { parseSegmentName, scanSegment, type Segment, segmentName } from "./segment.ts";

/**
 * Scans `seg`, builds its index and cuts anything after the last good record. Records between that
 * record and `expectedLast` (seqs that were handed out) are counted in `state` as dropped.
 * Returns the number of bytes cut.
 */
export function scanAndCut(
  seg: Segment,
  expectedLast: number,
  state: JournalState,
  maxRecordBytes: number,
  log: Logger,
  why: string,
): number {
  const r = scanSegment(seg.path, seg.firstSeq, -1, maxRecordBytes);
  seg.index = r.index;
  seg.records = r.records;
  seg.lastSeq = r.lastSeq;
  if (r.records > 0) seg.lastTs = r.lastTs;
  if (r.goodBytes >= r.fileBytes) return 0;
  const lost = Math.max(0, expectedLast - r.lastSeq);
  const cut = r.fileBytes - r.goodBytes;
  log.warn("cutting journal segment tail", {
    segment: seg.path,
    why,
    problem: r.problem,
    cutBytes: cut,
    lostRecords: lost,
  });
  Deno.truncateSync(seg.path, r.goodBytes);
  state.droppedRecords += lost;
  if (lost > 0) state.droppedBytes += cut;
  seg.bytes = r.goodBytes;
  return cut;
}

/**
 * Loads the segments of `dir` in seq order. Segments entirely below `state.firstSeq` or entirely
 * acknowledged are deleted; the last one is scanned and its tail cut; `state.nextSeq` and
 * `state.firstSeq` are brought up to date.
 */
export function recoverSegments(
  dir: string,
  state: JournalState,
  maxRecordBytes: number,
  log: Logger,
): Segment[] {
  const found: number[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const first = e.isFile ? parseSegmentName(e.name) : undefined;
    if (first !== undefined) found.push(first);
  }
  found.sort((a, b) => a - b);
  const floor = Math.max(state.firstSeq, state.ackedSeq + 1);
  const segments: Segment[] = [];
  for (let i = 0; i < found.length; i++) {
    const path = `${dir}/${segmentName(found[i]!)}`;
    const last = i + 1 < found.length ? found[i + 1]! - 1 : undefined;
    if (last !== undefined && last < floor) {
      Deno.removeSync(path);
      continue;
    }
    const stat = Deno.statSync(path);
    const seg: Segment = {
      firstSeq: found[i]!,
      path,
      bytes: stat.size,
      records: undefined,
      lastSeq: undefined,
      lastTs: stat.mtime?.getTime() ?? Date.now(),
      index: undefined,
    };
    if (last === undefined) {
      scanAndCut(seg, state.nextSeq - 1, state, maxRecordBytes, log, "recovery");
      if (seg.records === 0 || seg.lastSeq! < floor) {
        Deno.removeSync(path);
        continue;
      }
    }
    segments.push(seg);
  }
  const tail = segments.at(-1);
  if (tail && tail.lastSeq === undefined) {
    scanAndCut(tail, (found.at(-1) ?? 1) - 1, state, maxRecordBytes, log, "recovery");
  }
  state.nextSeq = Math.max(state.nextSeq, state.ackedSeq + 1, found.at(-1) ?? 0, (tail?.lastSeq ?? 0) + 1);
  state.firstSeq = segments[0]?.firstSeq ?? state.nextSeq;
  return segments;
}
