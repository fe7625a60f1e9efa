/**
 * The journal's active segment: records are encoded into a write buffer and handed to the OS in
 * large writes (when the buffer is full or on {@linkcode SegmentWriter.write}); the segment's size,
 * last seq, newest time and sparse index are kept up to date as records are appended.
 * @module
 */
import { encodeRecordInto, RECORD_HEADER_BYTES } from "@sonde/shared/wire/record_codec";
import { syncDir } from "@sonde/shared/files";
import { INDEX_EVERY_BYTES, type Segment, segmentName, writeAll } from "./segment.ts";

const WRITE_BUFFER_BYTES = 256 * 1024;

/** Appends records to one new segment file. */
export class SegmentWriter {
  readonly seg: Segment;
  readonly #file: Deno.FsFile;
  #buffer = new Uint8Array(WRITE_BUFFER_BYTES);
  #buffered = 0;
  #dirty = false;
  #lastIndexed = -Infinity;

  private constructor(seg: Segment, file: Deno.FsFile) {
    this.seg = seg;
    this.#file = file;
  }

  /**
   * Creates the segment file `<dir>/<firstSeq>.seg` (truncating a leftover of the same name); with
   * `fsync`, the new directory entry is made durable too.
   */
  static create(dir: string, firstSeq: number, fsync: boolean): SegmentWriter {
    const path = `${dir}/${segmentName(firstSeq)}`;
    const file = Deno.openSync(path, { write: true, create: true, truncate: true });
    if (fsync) syncDir(dir);
    return new SegmentWriter({
      firstSeq,
      path,
      bytes: 0,
      records: 0,
      lastSeq: firstSeq - 1,
      lastTs: 0,
      index: { seqs: [], offsets: [] },
    }, file);
  }

  /** Whether records are waiting in the write buffer. */
  get buffered(): boolean {
    return this.#buffered > 0;
  }

  /** Buffers one record; returns its size in bytes. */
  append(seq: number, kind: number, ts: number, payload: Uint8Array): number {
    const length = RECORD_HEADER_BYTES + payload.length;
    if (this.#buffered + length > this.#buffer.length) {
      this.write();
      if (length > this.#buffer.length) this.#buffer = new Uint8Array(length);
    }
    encodeRecordInto(this.#buffer, this.#buffered, seq, kind, ts, payload);
    this.#buffered += length;
    const seg = this.seg;
    if (seg.bytes - this.#lastIndexed >= INDEX_EVERY_BYTES) {
      seg.index!.seqs.push(seq);
      seg.index!.offsets.push(seg.bytes);
      this.#lastIndexed = seg.bytes;
    }
    seg.bytes += length;
    seg.records! += 1;
    seg.lastSeq = seq;
    if (ts > seg.lastTs) seg.lastTs = ts;
    this.#dirty = true;
    return length;
  }

  /** Hands the buffered records to the OS. */
  write(): void {
    if (this.#buffered === 0) return;
    writeAll(this.#file, this.#buffer.subarray(0, this.#buffered));
    this.#buffered = 0;
    if (this.#buffer.length > WRITE_BUFFER_BYTES) this.#buffer = new Uint8Array(WRITE_BUFFER_BYTES);
  }

  /** Writes, then with `fsync` forces what was written since the last sync to the disk. */
  sync(fsync: boolean): void {
    this.write();
    if (this.#dirty && fsync) this.#file.syncDataSync();
    this.#dirty = false;
  }

  /** Syncs and closes the file. */
  close(fsync: boolean): void {
    this.sync(fsync);
    this.#file.close();
  }
}
