/**
 * Appends request records to the day's segment file under `<data>/telemetry/YYYY-MM-DD/`. A process
 * never reopens an older segment: on start it continues with the next number, and it rolls over when a
 * segment passes `maxSegmentBytes`. `sync()` makes every appended record durable before rows point at it.
 * @module
 */

/** Where a record was written. */
export interface RecordLocation {
  /** Path relative to `<data>/telemetry`: `2026-11-26/segment-000001.log`. */
  file: string;
  offset: number;
  length: number;
}

interface OpenSegment {
  day: string;
  number: number;
  file: Deno.FsFile;
  size: number;
  dirty: boolean;
}

const encoder = new TextEncoder();

/** Day folder name (`YYYY-MM-DD`, UTC) of a time in µs. */
export function dayOf(tsUs: number): string {
  return new Date(Math.floor(tsUs / 1000)).toISOString().slice(0, 10);
}

/** Writes request records into day folders of segment files. */
export class SegmentWriter {
  readonly #root: string;
  readonly #maxSegmentBytes: number;
  readonly #open = new Map<string, OpenSegment>();
  /** Bytes appended since start. */
  bytesWritten = 0;

  constructor(dataDir: string, maxSegmentBytes = 256 * 1024 * 1024) {
    this.#root = `${dataDir}/telemetry`;
    this.#maxSegmentBytes = maxSegmentBytes;
  }

  async #segment(day: string, bytes: number): Promise<OpenSegment> {
    let seg = this.#open.get(day);
    if (seg && seg.size + bytes <= this.#maxSegmentBytes) return seg;
    let number: number;
    if (seg) {
      await seg.file.syncData();
      seg.file.close();
      number = seg.number + 1;
    } else {
      const dir = `${this.#root}/${day}`;
      await Deno.mkdir(dir, { recursive: true });
      number = 0;
      for await (const e of Deno.readDir(dir)) {
        const m = /^segment-(\d{6})\.log$/.exec(e.name);
        if (m) number = Math.max(number, Number(m[1]));
      }
      number++;
    }
    const path = `${this.#root}/${day}/segment-${String(number).padStart(6, "0")}.log`;
    const file = await Deno.open(path, { create: true, append: true });
    const size = (await file.stat()).size;
    seg = { day, number, file, size, dirty: false };
    this.#open.set(day, seg);
    return seg;
  }

  /** Appends one encoded record to the segment of `day`; returns its location. */
  async append(day: string, record: string): Promise<RecordLocation> {
    const bytes = encoder.encode(record);
    const seg = await this.#segment(day, bytes.length);
    const offset = seg.size;
    let done = 0;
    while (done < bytes.length) done += await seg.file.write(bytes.subarray(done));
    seg.size += bytes.length;
    seg.dirty = true;
    this.bytesWritten += bytes.length;
    return {
      file: `${day}/segment-${String(seg.number).padStart(6, "0")}.log`,
      offset,
      length: bytes.length,
    };
  }

  /**
   * Appends many records of one day with as few writes as possible (records never straddle segments);
   * returns their locations in order.
   */
  async appendMany(day: string, records: string[]): Promise<RecordLocation[]> {
    const out: RecordLocation[] = [];
    let i = 0;
    while (i < records.length) {
      const chunks: Uint8Array[] = [];
      let total = 0;
      const first = encoder.encode(records[i]!);
      const seg = await this.#segment(day, first.length);
      const name = `${day}/segment-${String(seg.number).padStart(6, "0")}.log`;
      let next: Uint8Array | undefined = first;
      while (next && (chunks.length === 0 || seg.size + total + next.length <= this.#maxSegmentBytes)) {
        out.push({ file: name, offset: seg.size + total, length: next.length });
        chunks.push(next);
        total += next.length;
        i++;
        next = i < records.length ? encoder.encode(records[i]!) : undefined;
      }
      const buf = new Uint8Array(total);
      let off = 0;
      for (const c of chunks) {
        buf.set(c, off);
        off += c.length;
      }
      let done = 0;
      while (done < buf.length) done += await seg.file.write(buf.subarray(done));
      seg.size += total;
      seg.dirty = true;
      this.bytesWritten += total;
    }
    return out;
  }

  /** Makes every appended record durable (fdatasync of each written segment). */
  async sync(): Promise<void> {
    for (const seg of this.#open.values()) {
      if (!seg.dirty) continue;
      await seg.file.syncData();
      seg.dirty = false;
    }
  }

  /** Closes segments of days other than the newest two (called after midnight). */
  closeOldDays(keep = 2): void {
    const days = [...this.#open.keys()].sort();
    for (const day of days.slice(0, Math.max(0, days.length - keep))) {
      this.#open.get(day)!.file.close();
      this.#open.delete(day);
    }
  }

  /** Syncs and closes every segment. */
  async close(): Promise<void> {
    await this.sync().catch(() => {});
    for (const seg of this.#open.values()) seg.file.close();
    this.#open.clear();
  }
}
