/** Process, filesystem and counter checks against this host. */
import { assert, assertEquals, assertMatch } from "../../tests/helpers/assert.ts";
import { parseAgentConfig } from "@sonde/shared/wire/agent_config";
import { runCheck } from "./runner.ts";
import { Semaphore } from "./semaphore.ts";

const spec = (type: string, params: Record<string, unknown>) =>
  parseAgentConfig({ checks: [{ id: "x", type, params }] }).checks[0]!;
const ctx = { latest: (k: string) => ({ "load.1": 3.5, "fs./.free_pct": 50 } as Record<string, number>)[k] };

Deno.test("process check: present processes counted against ranges; absent is CRITICAL by default", async () => {
  const marker = `sondeproc${Math.floor(Math.random() * 1e6)}`;
  const kids = [1, 2].map(() => new Deno.Command("sh", { args: ["-c", `sleep 30 # ${marker}`] }).spawn());
  try {
    await new Promise((r) => setTimeout(r, 100));
    const two = await runCheck(spec("process", { match: `/${marker}/` }), ctx);
    assertEquals(two.state, "OK", two.message);
    assertMatch(two.message, new RegExp(`^2 processes matching "/${marker}/"`));
    const exact = await runCheck(spec("process", { match: `/${marker}/`, warn: "3:3" }), ctx);
    assertEquals(exact.state, "WARNING");
    const none = await runCheck(spec("process", { match: "no-such-process-here" }), ctx);
    assertEquals(none.state, "CRITICAL");
    assertMatch(none.message, /^CRITICAL: 0 processes matching/);
  } finally {
    for (const k of kids) k.kill("SIGKILL");
    await Promise.all(kids.map((k) => k.status));
  }
});

Deno.test("filesystem check: free percent and bytes of / against ranges", async () => {
  const ok = await runCheck(spec("filesystem", { path: "/", warn: "0.001:", crit: "0:" }), ctx);
  assertEquals(ok.state, "OK", ok.message);
  assertMatch(ok.message, /^\/: [\d.]+% free \([\d.]+ GiB of [\d.]+ GiB\)$/);
  const full = await runCheck(spec("filesystem", { path: "/", crit: "100:" }), ctx);
  assertEquals(full.state, "CRITICAL");
  const bytes = await runCheck(spec("filesystem", { path: "/", measure: "free_bytes", warn: "1e15:" }), ctx);
  assertEquals(bytes.state, "WARNING");
  const missing = await runCheck(spec("filesystem", { path: "/no/such/dir" }), ctx);
  assertEquals(missing.state, "UNKNOWN");
  assertMatch(missing.message, /Cannot read filesystem of "\/no\/such\/dir"/);
});

Deno.test("counter check: latest value against ranges; no value is UNKNOWN", async () => {
  assertEquals(
    (await runCheck(spec("counter", { key: "load.1", warn: "~:2", crit: "~:4" }), ctx)).state,
    "WARNING",
  );
  assertEquals((await runCheck(spec("counter", { key: "load.1", crit: "~:3" }), ctx)).state, "CRITICAL");
  assertEquals((await runCheck(spec("counter", { key: "fs./.free_pct", warn: "20:" }), ctx)).state, "OK");
  const none = await runCheck(spec("counter", { key: "nope" }), ctx);
  assertEquals(none.state, "UNKNOWN");
  assertMatch(none.message, /Counter "nope" has no value/);
});

Deno.test("semaphore: bounds concurrency, FIFO, abort while waiting", async () => {
  const s = new Semaphore(2);
  const r1 = await s.acquire();
  await s.acquire();
  const order: number[] = [];
  const w3 = s.acquire().then((r) => (order.push(3), r));
  const ac = new AbortController();
  const w4 = s.acquire(ac.signal).then(() => order.push(4), () => order.push(-4));
  const w5 = s.acquire().then((r) => (order.push(5), r));
  assertEquals([s.free, s.waiting], [0, 3]);
  ac.abort();
  r1();
  r1(); // releasing twice is harmless
  (await w3)();
  await w4;
  await w5;
  assertEquals(order, [-4, 3, 5]);
  assert(s.waiting === 0);
});
