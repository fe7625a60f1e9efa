/**
 * The record format shared by the agent's disk journal and the pull protocol, so a pull ships journal
 * bytes exactly as they lie on disk. Little-endian:
 *
 * ```
 * [u32 length of the rest][u32 CRC-32C of the rest after this field][u64 seq][u8 kind][i64 ts ms][payload]
 * ```
 *
 * The header is {@linkcode RECORD_HEADER_BYTES} (25) bytes; `length` counts everything after itself
 * (21 + payload bytes); the CRC covers seq, kind, ts and payload.
 *
 * @example
 * ```ts
 * import { encodeRecord, RecordDecoder } from "@sonde/shared/wire/record_codec";
 * const bytes = encodeRecord(1, 2, Date.now(), new TextEncoder().encode("{}"));
 * const decoder = new RecordDecoder();
 * const records = decoder.push(bytes); // [{ seq: 1, kind: 2, ts, payload }]
 * decoder.end(); // throws SyntaxError when a record was cut short
 * ```
 * @module
 */
/** Slice-by-8 tables of CRC-32C (Castagnoli, reflected polynomial 0x82f63b78): `T[k * 256 + b]`. */
const CRC_TABLES = (() => {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      t[k * 256 + n] = t[(k - 1) * 256 + n]! >>> 8 ^ t[t[(k - 1) * 256 + n]! & 0xff]!;
    }
  }
  return t;
})();

/** CRC-32C (Castagnoli) of `bytes[start, end)`, as an unsigned 32-bit number; eight bytes per step. */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = CRC_TABLES;
  let crc = -1;
  let i = start;
  for (const last8 = end - 8; i <= last8; i += 8) {
    const lo = crc ^ (bytes[i]! | bytes[i + 1]! << 8 | bytes[i + 2]! << 16 | bytes[i + 3]! << 24);
    crc = t[1792 + (lo & 0xff)]! ^ t[1536 + (lo >>> 8 & 0xff)]! ^ t[1280 + (lo >>> 16 & 0xff)]! ^
      t[1024 + (lo >>> 24)]! ^ t[768 + bytes[i + 4]!]! ^ t[512 + bytes[i + 5]!]! ^ t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < end; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** Bytes before the payload: length, CRC, seq, kind, ts. */
export const RECORD_HEADER_BYTES = 25;
/** Bytes counted by `length` besides the payload (CRC, seq, kind, ts). */
const LENGTH_OVERHEAD = RECORD_HEADER_BYTES - 4;
/** Default upper bound of one record (header included); larger lengths are treated as corruption. */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** One decoded record; `payload` is a view into the decoded bytes (copy it to keep it). */
export interface JournalRecord {
  /** Sequence number, unique and increasing per agent. */
  seq: number;
  /** Record kind (see `RecordKind` in `types.ts`). */
  kind: number;
  /** Time in ms since epoch. */
  ts: number;
  /** Payload bytes (UTF-8 JSON for the kinds Sonde defines). */
  payload: Uint8Array;
}

const U32 = 0x1_0000_0000;

function writeU64(b: Uint8Array, o: number, v: number): void {
  const lo = v % U32 >>> 0;
  const hi = Math.floor(v / U32);
  b[o] = lo;
  b[o + 1] = lo >>> 8;
  b[o + 2] = lo >>> 16;
  b[o + 3] = lo >>> 24;
  b[o + 4] = hi;
  b[o + 5] = hi >>> 8;
  b[o + 6] = hi >>> 16;
  b[o + 7] = hi >>> 24;
}

function readU32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/**
 * Encodes one record into `target` at `offset`; returns the number of bytes written
 * ({@linkcode RECORD_HEADER_BYTES} + payload length). `target` must have room.
 * @throws {RangeError} when seq or ts is not a safe integer, seq is negative or kind is not a byte.
 */
export function encodeRecordInto(
  target: Uint8Array,
  offset: number,
  seq: number,
  kind: number,
  ts: number,
  payload: Uint8Array,
): number {
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new RangeError(`Cannot encode record: seq must be a non-negative integer: current value is ${seq}`);
  }
  if (!Number.isInteger(kind) || kind < 0 || kind > 255) {
    throw new RangeError(`Cannot encode record: kind must be 0..255: current value is ${kind}`);
  }
  if (!Number.isSafeInteger(ts)) {
    throw new RangeError(`Cannot encode record: ts must be an integer (ms): current value is ${ts}`);
  }
  const total = RECORD_HEADER_BYTES + payload.length;
  const rest = total - 4;
  const o = offset;
  target[o] = rest;
  target[o + 1] = rest >>> 8;
  target[o + 2] = rest >>> 16;
  target[o + 3] = rest >>> 24;
  writeU64(target, o + 8, seq);
  target[o + 16] = kind;
  // i64 two's complement: negative ts wraps through the high word.
  const tsLo = ((ts % U32) + U32) % U32;
  const tsHi = Math.floor(ts / U32);
  target[o + 17] = tsLo;
  target[o + 18] = tsLo >>> 8;
  target[o + 19] = tsLo >>> 16;
  target[o + 20] = tsLo >>> 24;
  target[o + 21] = tsHi;
  target[o + 22] = tsHi >> 8;
  target[o + 23] = tsHi >> 16;
  target[o + 24] = tsHi >> 24;
  target.set(payload, o + RECORD_HEADER_BYTES);
  const crc = crc32c(target, o + 8, o + total);
  target[o + 4] = crc;
  target[o + 5] = crc >>> 8;
  target[o + 6] = crc >>> 16;
  target[o + 7] = crc >>> 24;
  return total;
}

/** Encodes one record into a new array. */
export function encodeRecord(seq: number, kind: number, ts: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER_BYTES + payload.length);
  encodeRecordInto(out, 0, seq, kind, ts, payload);
  return out;
}

/** A record found by {@linkcode decodeRecordAt} and the offset just past it. */
export interface DecodedAt {
  record: JournalRecord;
  /** Offset of the byte after the record. */
  end: number;
}

/**
 * Decodes the record starting at `offset`. Returns `null` when `bytes` ends before the record does
 * (more input needed).
 * @throws {SyntaxError} on an absurd length, a CRC mismatch or an out-of-range seq or ts.
 */
export function decodeRecordAt(
  bytes: Uint8Array,
  offset: number,
  maxRecordBytes = DEFAULT_MAX_RECORD_BYTES,
  streamOffset = offset,
): DecodedAt | null {
  if (bytes.length - offset < 4) return null;
  const rest = readU32(bytes, offset);
  if (rest < LENGTH_OVERHEAD || rest + 4 > maxRecordBytes) {
    throw new SyntaxError(
      `Cannot decode record at byte ${streamOffset}: length ${rest} is outside ${LENGTH_OVERHEAD}..${
        maxRecordBytes - 4
      }`,
    );
  }
  const end = offset + 4 + rest;
  if (end > bytes.length) return null;
  const stored = readU32(bytes, offset + 4);
  const computed = crc32c(bytes, offset + 8, end);
  if (stored !== computed) {
    throw new SyntaxError(
      `Cannot decode record at byte ${streamOffset}: CRC mismatch (stored ${hex(stored)}, computed ${
        hex(computed)
      })`,
    );
  }
  const seqHi = readU32(bytes, offset + 12);
  const tsHiRaw = readU32(bytes, offset + 21);
  const tsHi = tsHiRaw | 0;
  if (seqHi > 0x1fffff || tsHi > 0x1fffff || tsHi < -0x200000) {
    throw new SyntaxError(`Cannot decode record at byte ${streamOffset}: seq or ts exceeds 2^53`);
  }
  const seq = seqHi * U32 + readU32(bytes, offset + 8);
  const ts = tsHi * U32 + readU32(bytes, offset + 17);
  return {
    record: {
      seq,
      kind: bytes[offset + 16]!,
      ts,
      payload: bytes.subarray(offset + RECORD_HEADER_BYTES, end),
    },
    end,
  };
}

function hex(n: number): string {
  return "0x" + n.toString(16).padStart(8, "0");
}

/** Options of a {@linkcode RecordDecoder}. */
export interface RecordDecoderOptions {
  /** Largest acceptable record (header included); default 64 MiB. */
  maxRecordBytes?: number;
}

/**
 * Streaming decoder: feed chunks of any size with `push`, get the complete records back; call `end`
 * when the input is over. After a corruption error every further call throws the same error.
 */
export class RecordDecoder {
  #buffer: Uint8Array = new Uint8Array(0);
  #consumed = 0;
  #failure: SyntaxError | undefined;
  readonly #maxRecordBytes: number;

  constructor(options: RecordDecoderOptions = {}) {
    this.#maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  }

  /** Bytes held back waiting for the rest of a record. */
  get bufferedBytes(): number {
    return this.#buffer.length;
  }

  /**
   * Adds a chunk and returns every record completed by it, in order.
   * @throws {SyntaxError} on corrupt input (bad length or CRC).
   */
  push(chunk: Uint8Array): JournalRecord[] {
    if (this.#failure) throw this.#failure;
    let bytes: Uint8Array;
    if (this.#buffer.length === 0) bytes = chunk;
    else {
      bytes = new Uint8Array(this.#buffer.length + chunk.length);
      bytes.set(this.#buffer);
      bytes.set(chunk, this.#buffer.length);
    }
    const out: JournalRecord[] = [];
    let offset = 0;
    try {
      for (;;) {
        const found = decodeRecordAt(bytes, offset, this.#maxRecordBytes, this.#consumed + offset);
        if (!found) break;
        out.push(found.record);
        offset = found.end;
      }
    } catch (e) {
      this.#failure = e as SyntaxError;
      throw e;
    }
    this.#consumed += offset;
    this.#buffer = offset === bytes.length ? new Uint8Array(0) : bytes.slice(offset);
    return out;
  }

  /** Declares the input complete. @throws {SyntaxError} when a record was cut short. */
  end(): void {
    if (this.#failure) throw this.#failure;
    if (this.#buffer.length > 0) {
      throw new SyntaxError(
        `Cannot decode record at byte ${this.#consumed}: input ended ${this.#buffer.length} bytes into a record`,
      );
    }
  }
}

/** Decodes a complete byte array of records. @throws {SyntaxError} on corrupt or truncated input. */
export function decodeRecords(bytes: Uint8Array, options?: RecordDecoderOptions): JournalRecord[] {
  const decoder = new RecordDecoder(options);
  const records = decoder.push(bytes);
  decoder.end();
  return records;
}

/** Decodes a stream of chunks (e.g. a pull response body), yielding records as they complete. */
export async function* decodeRecordStream(
  chunks: AsyncIterable<Uint8Array>,
  options?: RecordDecoderOptions,
): AsyncGenerator<JournalRecord> {
  const decoder = new RecordDecoder(options);
  for await (const chunk of chunks) yield* decoder.push(chunk);
  decoder.end();
}
