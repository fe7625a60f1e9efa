/**
 * A minimal protobuf wire-format reader (varint, fixed32/64, length-delimited) for the OTLP messages the
 * intake decodes. Every read is bounds-checked; malformed input throws `RangeError` with the offset.
 * @module
 */

/** Wire types of protobuf fields. */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Reads protobuf fields from `buf[pos, end)`. */
export class ProtoReader {
  pos: number;
  readonly end: number;
  readonly buf: Uint8Array;
  readonly #view: DataView;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Whether fields remain. */
  more(): boolean {
    return this.pos < this.end;
  }

  #fail(what: string): never {
    throw new RangeError(`Cannot decode protobuf: ${what} at byte ${this.pos}`);
  }

  /** Reads a varint as a number (exact up to 2^53; larger values lose low bits). */
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.#fail("truncated varint");
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    return this.#fail("varint longer than 10 bytes");
  }

  /** Reads a varint as a signed 64-bit `bigint` (for `int64` fields). */
  varint64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.#fail("truncated varint");
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asIntN(64, result);
      shift += 7n;
    }
    return this.#fail("varint longer than 10 bytes");
  }

  /** Reads a field tag: `[fieldNumber, wireType]`. */
  tag(): [number, number] {
    const t = this.varint();
    const field = Math.floor(t / 8);
    if (field === 0) this.#fail("field number 0");
    return [field, t & 7];
  }

  #need(n: number): void {
    if (n < 0 || this.pos + n > this.end) this.#fail(`field of ${n} bytes runs past the end (${this.end})`);
  }

  /** Reads a fixed64 timestamp in nanoseconds and returns whole microseconds (exact). */
  fixed64Micros(): number {
    this.#need(8);
    const lo = this.#view.getUint32(this.pos, true);
    const hi = this.#view.getUint32(this.pos + 4, true);
    this.pos += 8;
    // ns = hi * 2^32 + lo = hi * 4294967 * 1000 + (hi * 296 + lo)
    return hi * 4294967 + Math.floor((hi * 296 + lo) / 1000);
  }

  /** Reads a little-endian double. */
  double(): number {
    this.#need(8);
    const v = this.#view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Reads a length prefix and returns `[start, end)` of the payload, advancing past it. */
  lengthDelimited(): [number, number] {
    const n = this.varint();
    this.#need(n);
    const start = this.pos;
    this.pos += n;
    return [start, this.pos];
  }

  /** Reads a length-delimited UTF-8 string. */
  string(): string {
    const [s, e] = this.lengthDelimited();
    if (e - s < 32) {
      let out = "";
      for (let i = s; i < e; i++) {
        const c = this.buf[i]!;
        if (c >= 0x80) return utf8.decode(this.buf.subarray(s, e));
        out += String.fromCharCode(c);
      }
      return out;
    }
    return utf8.decode(this.buf.subarray(s, e));
  }

  /** Reads length-delimited bytes as lowercase hex. */
  hex(): string {
    const [s, e] = this.lengthDelimited();
    let out = "";
    for (let i = s; i < e; i++) out += HEX[this.buf[i]!];
    return out;
  }

  /** Reads a nested message and returns a reader limited to it. */
  message(): ProtoReader {
    const [s, e] = this.lengthDelimited();
    return new ProtoReader(this.buf, s, e);
  }

  /** Skips a field of `wireType`. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.VARINT:
        this.varint();
        return;
      case WireType.I64:
        this.#need(8);
        this.pos += 8;
        return;
      case WireType.LEN:
        this.lengthDelimited();
        return;
      case WireType.I32:
        this.#need(4);
        this.pos += 4;
        return;
      default:
        this.#fail(`unsupported wire type ${wireType}`);
    }
  }

  /** Throws unless the field has the expected wire type. */
  expect(field: number, got: number, want: number): void {
    if (got !== want) this.#fail(`field ${field} has wire type ${got}, expected ${want}`);
  }
}
