import { assert, assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import {
  crc32c,
  decodeRecords,
  decodeRecordStream,
  encodeRecord,
  type JournalRecord,
  RECORD_HEADER_BYTES,
  RecordDecoder,
} from "./record_codec.ts";

const enc = new TextEncoder();

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Deterministic PRNG so a failing fuzz case can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample(n: number): { bytes: Uint8Array; records: JournalRecord[] } {
  const records: JournalRecord[] = [];
  for (let i = 0; i < n; i++) {
    records.push({
      seq: 1000 + i,
      kind: 1 + (i % 4),
      ts: 1_700_000_000_000 + i,
      payload: enc.encode(`{"i":${i}}`),
    });
  }
  return { bytes: concat(records.map((r) => encodeRecord(r.seq, r.kind, r.ts, r.payload))), records };
}

Deno.test("crc32c matches the standard check value", () => {
  assertEquals(crc32c(enc.encode("123456789")), 0xe3069283);
  // RFC 3720 B.4 test vectors: 32 bytes of zeros, of 0xff, and ascending
  assertEquals(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assertEquals(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assertEquals(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
});

Deno.test("crc32c of any slice equals the bit-by-bit definition", () => {
  const reference = (b: Uint8Array, start: number, end: number) => {
    let crc = 0xffffffff;
    for (let i = start; i < end; i++) {
      crc ^= b[i]!;
      for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
    }
    return (crc ^ 0xffffffff) >>> 0;
  };
  const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) & 0xff);
  for (let start = 0; start < 12; start++) {
    for (let end = start; end <= bytes.length; end += 1 + (end % 7)) {
      assertEquals(crc32c(bytes, start, end), reference(bytes, start, end), `slice ${start}..${end}`);
    }
  }
});

Deno.test("a record round-trips with the documented little-endian layout", () => {
  const payload = enc.encode("hello");
  const bytes = encodeRecord(2 ** 40 + 7, 3, -5, payload);
  assertEquals(bytes.length, RECORD_HEADER_BYTES + 5);
  const view = new DataView(bytes.buffer);
  assertEquals(view.getUint32(0, true), bytes.length - 4);
  assertEquals(view.getUint32(4, true), crc32c(bytes, 8));
  assertEquals(view.getBigUint64(8, true), BigInt(2 ** 40 + 7));
  assertEquals(view.getUint8(16), 3);
  assertEquals(view.getBigInt64(17, true), -5n);
  const [record] = decodeRecords(bytes);
  assertEquals(record, { seq: 2 ** 40 + 7, kind: 3, ts: -5, payload });
});

Deno.test("the streaming decoder returns the same records for any chunking", () => {
  const { bytes, records } = sample(200);
  const random = rng(1);
  for (let round = 0; round < 50; round++) {
    const decoder = new RecordDecoder();
    const got: JournalRecord[] = [];
    let o = 0;
    while (o < bytes.length) {
      const n = 1 + Math.floor(random() * 64);
      got.push(...decoder.push(bytes.subarray(o, o + n)));
      o += n;
    }
    decoder.end();
    assertEquals(got.map((r) => r.seq), records.map((r) => r.seq));
    assertEquals(got[199], records[199]);
  }
});

Deno.test("decodeRecordStream yields records from an async source", async () => {
  const { bytes } = sample(10);
  async function* chunks() {
    yield bytes.subarray(0, 7);
    yield bytes.subarray(7);
  }
  const seqs: number[] = [];
  for await (const r of decodeRecordStream(chunks())) seqs.push(r.seq);
  assertEquals(seqs, [1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009]);
});

Deno.test("a flipped payload bit is reported as a CRC mismatch with its offset", () => {
  const { bytes } = sample(3);
  const bad = bytes.slice();
  const second = RECORD_HEADER_BYTES + 7;
  bad[second + RECORD_HEADER_BYTES] ^= 0x10;
  const e = assertThrows(() => decodeRecords(bad), `record at byte ${second}: CRC mismatch`);
  assert(e instanceof SyntaxError);
});

Deno.test("an absurd length is refused without waiting for more input", () => {
  const bytes = encodeRecord(1, 1, 1, enc.encode("x"));
  new DataView(bytes.buffer).setUint32(0, 0xfffffff0, true);
  assertThrows(() => new RecordDecoder().push(bytes), "length 4294967280 is outside");
  new DataView(bytes.buffer).setUint32(0, 3, true);
  assertThrows(() => new RecordDecoder().push(bytes), "length 3 is outside");
});

Deno.test("a decoder stays failed after an error", () => {
  const decoder = new RecordDecoder();
  const bad = encodeRecord(1, 1, 1, enc.encode("x"));
  bad[10] ^= 1;
  assertThrows(() => decoder.push(bad), "CRC mismatch");
  assertThrows(() => decoder.push(encodeRecord(2, 1, 1, enc.encode("y"))), "CRC mismatch");
});

Deno.test("every truncation of valid input yields a prefix of the records, then a clean SyntaxError", () => {
  const { bytes, records } = sample(5);
  for (let cut = 0; cut < bytes.length; cut++) {
    const decoder = new RecordDecoder();
    const got = decoder.push(bytes.subarray(0, cut));
    assertEquals(got, records.slice(0, got.length));
    const whole = got.reduce((n, r) => n + RECORD_HEADER_BYTES + r.payload.length, 0);
    if (whole === cut) decoder.end();
    else assertThrows(() => decoder.end(), "input ended");
  }
});

Deno.test("fuzz: random and mutated input never hangs or crashes, only errors with SyntaxError", () => {
  const random = rng(42);
  const { bytes } = sample(20);
  for (let round = 0; round < 3000; round++) {
    let input: Uint8Array;
    if (round % 3 === 0) {
      input = new Uint8Array(Math.floor(random() * 300));
      for (let i = 0; i < input.length; i++) input[i] = Math.floor(random() * 256);
    } else {
      input = bytes.slice(0, Math.floor(random() * bytes.length) + 1);
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) {
        input[Math.floor(random() * input.length)] ^= 1 << Math.floor(random() * 8);
      }
    }
    const decoder = new RecordDecoder({ maxRecordBytes: 1 << 20 });
    try {
      for (let o = 0; o < input.length; o += 13) decoder.push(input.subarray(o, o + 13));
      decoder.end();
    } catch (e) {
      assert(e instanceof SyntaxError, `round ${round}: unexpected ${e}`);
    }
  }
});
