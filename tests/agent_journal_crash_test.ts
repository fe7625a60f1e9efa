/**
 * Fault injection: a child process appends to the journal in a storm and is killed with SIGKILL; on
 * reopening, every record it reported as flushed is there, in order, with its content, nothing follows
 * a torn tail, and the sequence continues. Eight rounds on the same journal, each killing at a different
 * moment of a large write; about one round in ten leaves a real torn record to cut.
 */
import { assert, assertEquals } from "./helpers/assert.ts";
import { Journal } from "../agent/buffer/journal.ts";
import { scanSegment } from "../agent/buffer/segment.ts";
import type { Logger } from "@sonde/shared/log";

const fixture = new URL("./agent_journal_storm.ts", import.meta.url).pathname;
const dec = new TextDecoder();

/**
 * Runs the storm until `minReports` flushes were reported, then kills it `delayMs` after it announces a
 * 1 MB record (a write of that size is often cut short by SIGKILL, tearing the record).
 */
async function stormAndKill(
  dir: string,
  minReports: number,
  delayMs: number,
): Promise<{ start: number; reported: number }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", `--allow-read=${dir}`, `--allow-write=${dir}`, fixture, dir],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  let text = "";
  let start = -1;
  let reported = 0;
  let lines = 0;
  const deadline = Date.now() + 20_000;
  let killed = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += dec.decode(value, { stream: true });
    const parts = text.split("\n");
    text = parts.pop()!;
    for (const line of parts) {
      if (line.startsWith("start ")) start = Number(line.slice(6));
      else if (line === "big") {
        if (!killed && lines >= minReports) {
          killed = true;
          const until = performance.now() + delayMs;
          while (performance.now() < until) { /* spin: timers are too coarse */ }
          child.kill("SIGKILL");
        }
      } else {
        const seq = Number(line);
        assert(seq > reported, `reported seqs must increase: ${seq} after ${reported}`);
        reported = seq;
        lines++;
      }
    }
    if (!killed && Date.now() > deadline) {
      child.kill("SIGKILL");
      killed = true;
    }
  }
  const status = await child.status;
  assertEquals(status.signal, "SIGKILL");
  return { start, reported };
}

Deno.test("kill -9 during a write storm loses no flushed record and the sequence continues", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "journal_crash_" });
  try {
    let expectedNext = 1;
    let cuts = 0;
    const log: Logger = {
      debug: () => {},
      info: () => {},
      warn: (msg) => {
        if (msg === "cutting journal segment tail") cuts++;
      },
      error: () => {},
      child: () => log,
    };
    for (let round = 0; round < 8; round++) {
      const { start, reported } = await stormAndKill(dir, 100, round * 0.4);
      assertEquals(start, expectedNext - 1, "the child continued after the last good record");
      assert(reported > start, "the child reported progress");
      const journal = Journal.open(dir, { segmentBytes: 256 * 1024, maxBytes: 1 << 30, fsync: "never", log });
      let after = expectedNext - 1; // everything before was checked and acknowledged in earlier rounds
      let count = 0;
      for (;;) {
        const batch = journal.read(after, 1 << 20);
        if (batch.records.length === 0) break;
        for (const r of batch.records) {
          assertEquals(r.seq, after + 1, "records are contiguous and in order");
          assertEquals(JSON.parse(dec.decode(r.payload).replace(/\.+$/, "")).i, r.seq);
          after = r.seq;
          count++;
        }
      }
      assert(after >= reported, `record ${reported} was reported flushed but the journal ends at ${after}`);
      assertEquals(count, after - (expectedNext - 1), "nothing is missing up to the last record");
      const stats = journal.stats();
      assertEquals(stats.lastSeq, after);
      assertEquals(stats.droppedRecords, 0);
      journal.ack(after); // keeps the folder small across rounds
      journal.close();
      for (const e of Deno.readDirSync(dir)) {
        if (!e.name.endsWith(".seg")) continue;
        const scan = scanSegment(`${dir}/${e.name}`, Number(e.name.slice(0, 20)));
        assertEquals(scan.problem, undefined, `${e.name} holds nothing after its last record`);
      }
      expectedNext = after + 1;
    }
    console.log(`torn tails cut: ${cuts} in 8 kills`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
