import { assert, assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { decodeRecords, RECORD_HEADER_BYTES } from "@sonde/shared/wire/record_codec";
import { Journal, type JournalDrop, type JournalOptions } from "./journal.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function payload(i: number, size = 20): Uint8Array {
  return enc.encode(`{"i":${i}}`.padEnd(size, " "));
}

function segments(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".seg")).sort();
}

function withJournal(name: string, options: JournalOptions, fn: (dir: string) => void | Promise<void>) {
  Deno.test(name, async () => {
    const dir = Deno.makeTempDirSync({ prefix: "journal_test_" });
    try {
      await fn(dir);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  });
  return options;
}

/** Reads everything after `after` in pages of `page` bytes. */
function readAll(j: Journal, after = 0, page = 1000): number[] {
  const seqs: number[] = [];
  for (;;) {
    const batch = j.read(after, page);
    if (batch.records.length === 0) return seqs;
    assertEquals(decodeRecords(batch.bytes).map((r) => r.seq), batch.records.map((r) => r.seq));
    for (const r of batch.records) {
      assertEquals(JSON.parse(dec.decode(r.payload)).i, r.seq);
      seqs.push(r.seq);
    }
    after = batch.lastSeq;
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

withJournal("records come back in order across segments and pages, as raw wire bytes", {}, (dir) => {
  const j = Journal.open(dir, { segmentBytes: 4096, fsync: "never" });
  for (let i = 1; i <= 1000; i++) assertEquals(j.append(1 + (i % 3), payload(i, 10 + (i % 90))), i);
  assertEquals(readAll(j), range(1, 1000));
  assertEquals(readAll(j, 567, 200), range(568, 1000));
  assert(segments(dir).length > 10, "expected several segments");
  j.close();
});

withJournal("a read returns at least one record even when it exceeds maxBytes", {}, (dir) => {
  const j = Journal.open(dir, { fsync: "never" });
  j.append(1, payload(1, 5000));
  j.append(1, payload(2, 5000));
  const batch = j.read(0, 10);
  assertEquals(batch.records.map((r) => r.seq), [1]);
  assertEquals(batch.bytes.length, RECORD_HEADER_BYTES + 5000);
  assertEquals(j.read(2, 10), { records: [], bytes: new Uint8Array(0), lastSeq: 2 });
  j.close();
});

withJournal("ack frees whole segments, persists, and is refused beyond the last record", {}, (dir) => {
  let j = Journal.open(dir, { segmentBytes: 4096, fsync: "never" });
  for (let i = 1; i <= 500; i++) j.append(1, payload(i, 60));
  const before = segments(dir).length;
  j.ack(250);
  const after = segments(dir).length;
  assert(after < before && after > 0, `segments ${before} → ${after}`);
  assertEquals(j.stats().ackedSeq, 250);
  assertEquals(j.stats().records, 250);
  assertThrows(() => j.ack(501), "the last record is 500");
  j.close();
  j = Journal.open(dir, { segmentBytes: 4096, fsync: "never" });
  assertEquals(j.stats().ackedSeq, 250);
  assertEquals(readAll(j, 250), range(251, 500));
  j.ack(500);
  assertEquals(segments(dir), []);
  assertEquals(j.stats().bytes, 0);
  j.close();
});

withJournal("a restart continues the sequence, even after everything was acknowledged", {}, (dir) => {
  let j = Journal.open(dir, { fsync: "batch" });
  for (let i = 1; i <= 10; i++) j.append(1, payload(i));
  j.close();
  j = Journal.open(dir);
  assertEquals(j.append(1, payload(11)), 11);
  j.ack(11);
  j.close();
  j = Journal.open(dir);
  assertEquals(segments(dir), []);
  assertEquals(j.append(1, payload(12)), 12);
  assertEquals(readAll(j), [12]);
  j.close();
});

withJournal(
  "overflow by bytes drops the oldest segments with an exact count that survives restart",
  {},
  (dir) => {
    const opts: JournalOptions = { maxBytes: 40_000, segmentBytes: 4096, fsync: "never" };
    let j = Journal.open(dir, opts);
    const n = 3000;
    for (let i = 1; i <= n; i++) j.append(1, payload(i, 20 + (i % 50)));
    const retained = readAll(j);
    const s = j.stats();
    assert(s.bytes <= 40_000, `bytes ${s.bytes} over the bound`);
    assertEquals(retained, range(s.firstSeq, n));
    assertEquals(s.droppedRecords, s.firstSeq - 1);
    assertEquals(s.droppedRecords + retained.length, n);
    let expectBytes = 0;
    for (let i = 1; i < s.firstSeq; i++) expectBytes += RECORD_HEADER_BYTES + 20 + (i % 50);
    assertEquals(s.droppedBytes, expectBytes);
    j.close();
    j = Journal.open(dir, opts);
    assertEquals(j.stats().droppedRecords, s.droppedRecords);
    j.close();
  },
);

withJournal("the drop callback reports each dropped range and may append", {}, async (dir) => {
  const drops: JournalDrop[] = [];
  const j = Journal.open(dir, {
    maxBytes: 20_000,
    segmentBytes: 4096,
    fsync: "never",
    onDrop: (d) => {
      drops.push(d);
      j.append(4, enc.encode(`{"i":0}`));
    },
  });
  for (let i = 1; i <= 400; i++) j.append(1, payload(i, 75));
  await Promise.resolve();
  assert(drops.length > 0, "drops were reported");
  assertEquals(drops.reduce((n, d) => n + d.records, 0), j.stats().droppedRecords);
  assertEquals(drops[0]!.firstSeq, 1);
  assertEquals(drops[1]!.firstSeq, drops[0]!.lastSeq + 1);
  assertEquals(drops[0]!.reason, "bytes");
  j.close();
});

withJournal("acknowledged records are not counted as dropped", {}, (dir) => {
  const j = Journal.open(dir, { maxBytes: 20_000, segmentBytes: 4096, fsync: "never" });
  for (let i = 1; i <= 100; i++) j.append(1, payload(i, 75));
  j.ack(100);
  for (let i = 101; i <= 300; i++) j.append(1, payload(i, 75));
  const s = j.stats();
  assertEquals(s.droppedRecords, s.firstSeq - 101);
  j.close();
});

withJournal("the age bound drops old segments and counts them", {}, async (dir) => {
  const j = Journal.open(dir, { maxAgeMs: 150, segmentBytes: 4096, fsync: "never" });
  const old = Date.now() - 10_000;
  for (let i = 1; i <= 200; i++) j.append(1, payload(i, 60), old);
  for (let i = 201; i <= 210; i++) j.append(1, payload(i, 60));
  let s = j.stats();
  assert(s.firstSeq > 1 && s.droppedRecords === s.firstSeq - 1, `old segments kept: ${JSON.stringify(s)}`);
  await new Promise((r) => setTimeout(r, 400));
  s = j.stats();
  assertEquals(s.droppedRecords, 210);
  assertEquals(s.records, 0);
  assertEquals(segments(dir), []);
  j.close();
});

withJournal("a torn tail is cut on open and the sequence continues after the last good record", {}, (dir) => {
  let j = Journal.open(dir, { fsync: "always" });
  for (let i = 1; i <= 20; i++) j.append(1, payload(i));
  j.close();
  const [name] = segments(dir);
  const path = `${dir}/${name}`;
  const good = Deno.statSync(path).size;
  const partial = new Uint8Array(RECORD_HEADER_BYTES + 10);
  new DataView(partial.buffer).setUint32(0, 21 + 40, true);
  Deno.writeFileSync(path, partial, { append: true });
  j = Journal.open(dir);
  assertEquals(Deno.statSync(path).size, good);
  assertEquals(j.stats().bytes, good, "stats count the bytes left after the cut");
  assertEquals(j.append(1, payload(21)), 21);
  assertEquals(readAll(j), range(1, 21));
  j.close();
});

withJournal("a corrupt record cuts the last segment there; later records are gone", {}, (dir) => {
  let j = Journal.open(dir);
  for (let i = 1; i <= 20; i++) j.append(1, payload(i));
  j.close();
  const path = `${dir}/${segments(dir)[0]}`;
  const bytes = Deno.readFileSync(path);
  const recordBytes = RECORD_HEADER_BYTES + 20;
  bytes[recordBytes * 10 + RECORD_HEADER_BYTES + 2] ^= 0xff;
  Deno.writeFileSync(path, bytes);
  j = Journal.open(dir);
  assertEquals(readAll(j), range(1, 10));
  assertEquals(j.stats().droppedRecords, 10, "records lost to corruption count as dropped");
  assertEquals(j.append(1, payload(21)), 21, "sequence numbers already handed out are not reused");
  j.close();
});

withJournal("a corrupt state file is not fatal and sequence numbers still never repeat", {}, (dir) => {
  let j = Journal.open(dir);
  for (let i = 1; i <= 5; i++) j.append(1, payload(i));
  j.ack(5);
  j.append(1, payload(6));
  j.close();
  Deno.writeTextFileSync(`${dir}/state.json`, "{torn");
  j = Journal.open(dir);
  const seq = j.append(1, enc.encode(`{"i":0}`));
  assert(seq > 6, `seq ${seq} repeats an earlier one`);
  assertEquals(j.read(0, 1000).records.map((r) => r.seq), [6, seq], "unacknowledged records are kept");
  j.close();
});

withJournal(
  "a segment corrupted on disk is cut while reading; later segments are still served",
  {},
  (dir) => {
    const j = Journal.open(dir, { segmentBytes: 4096, fsync: "never" });
    for (let i = 1; i <= 300; i++) j.append(1, payload(i, 75));
    const names = segments(dir);
    const second = `${dir}/${names[1]}`;
    const firstOfSecond = Number(names[1]!.slice(0, 20));
    const firstOfThird = Number(names[2]!.slice(0, 20));
    const bytes = Deno.readFileSync(second);
    bytes[(RECORD_HEADER_BYTES + 75) * 5 + 30] ^= 0xff; // inside the 6th record's payload
    Deno.writeFileSync(second, bytes);
    const seqs = readAll(j, 0, 100_000);
    const lost = firstOfThird - (firstOfSecond + 5);
    assertEquals(seqs, [...range(1, firstOfSecond + 4), ...range(firstOfThird, 300)]);
    assertEquals(j.stats().droppedRecords, lost);
    j.close();
  },
);

withJournal("a second process on the same journal is refused until the first closes it", {}, (dir) => {
  const j = Journal.open(dir, { fsync: "never" });
  j.append(1, payload(1));
  const err = assertThrows(() => Journal.open(dir), `pid ${Deno.pid}`);
  assertEquals((err as { code?: string }).code, "journal_locked");
  assertEquals(j.append(1, payload(2)), 2, "the holder keeps working");
  j.close();
  const again = Journal.open(dir);
  assertEquals(again.append(1, payload(3)), 3);
  again.close();
});

withJournal(
  "reopening is not refused while another thread of the process starts child processes",
  {},
  async (dir) => {
    // Between its fork and its exec a child holds a copy of every descriptor, the lock file's too.
    const spawner = new Worker(
      URL.createObjectURL(
        new Blob([
          `for (;;) await Promise.all([1, 2, 3, 4].map(() => new Deno.Command("true").output()));`,
        ], { type: "application/javascript" }),
      ),
      { type: "module" },
    );
    try {
      await new Promise((r) => setTimeout(r, 200));
      for (let i = 1; i <= 150; i++) {
        const j = Journal.open(dir, { fsync: "never" });
        assertEquals(j.append(1, payload(i)), i);
        j.close();
      }
    } finally {
      spawner.terminate();
    }
  },
);
