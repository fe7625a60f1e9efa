/**
 * Fixture for `agent_journal_crash_test.ts`: appends records to the journal in `Deno.args[0]` as fast
 * as it can, and after each flush prints the last seq written, until it is killed.
 * Payloads are `{"i":SEQ}` padded to a size that varies from 10 bytes to 1 MB (the big ones make a kill mid-write likely).
 */
import { Journal } from "../agent/buffer/journal.ts";

const journal = Journal.open(Deno.args[0]!, { segmentBytes: 256 * 1024, maxBytes: 1 << 30, fsync: "never" });
const enc = new TextEncoder();
const out = (text: string) => Deno.stdout.writeSync(enc.encode(text));
out(`start ${journal.lastSeq}\n`);
let round = 0;
for (;;) {
  round++;
  const batch = 1 + (round % 37);
  let seq = 0;
  for (let k = 0; k < batch; k++) {
    const next = journal.lastSeq + 1;
    const big = (next * 7919) % 211 === 0;
    if (big) out("big\n"); // a 1 MB record follows: the test may kill during its encoding or write
    const size = big ? 1_000_000 : 10 + ((next * 31) % 300);
    seq = journal.append(1, enc.encode(`{"i":${next}}`.padEnd(size, ".")));
  }
  journal.flush();
  out(`${seq}\n`);
  if (round % 50 === 0) await new Promise((r) => setTimeout(r, 0));
}
