import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { parseAgentConfig } from "@sonde/shared/wire/agent_config";
import type { CheckResult, SampleBatch } from "@sonde/shared/wire/types";
import { startCollection } from "./scheduler.ts";
import { Loop } from "./loop.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recorder() {
  const batches: SampleBatch[] = [];
  const results: CheckResult[] = [];
  return {
    batches,
    results,
    sink: { samples: (b: SampleBatch) => batches.push(b), check: (r: CheckResult) => results.push(r) },
  };
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(20);
  }
}

Deno.test("scheduler: counters, formulas, checks and perfdata reach the sink; latest() answers", async () => {
  const config = parseAgentConfig({
    counters: {
      defaults: false,
      intervalMs: 200,
      sources: { memory: { enabled: true } },
      formulas: [{ key: "mem.mine_pct", expr: "100 * mem.used / mem.total", unit: "%" }, {
        key: "bad",
        expr: "1 +",
      }],
    },
    checks: [
      {
        id: "cmd",
        type: "command",
        intervalMs: 1000,
        params: { command: ["sh", "-c", "echo 'fine | answer=42s;50;60'"] },
      },
      { id: "mem", type: "counter", intervalMs: 1000, params: { key: "mem.mine_pct", crit: "0:100" } },
    ],
  });
  const rec = recorder();
  const c = startCollection(config, rec.sink, { maxJitterMs: 50 });
  try {
    await until(() => rec.results.length >= 2 && rec.batches.length >= 2);
    const mem = rec.batches.find((b) => b.samples.some((s) => s.key === "mem.total"))!;
    const total = mem.samples.find((s) => s.key === "mem.total")!.value;
    const used = mem.samples.find((s) => s.key === "mem.used")!.value;
    const pct = mem.samples.find((s) => s.key === "mem.mine_pct")!;
    assertEquals(pct.unit, "%");
    assert(Math.abs(pct.value - (100 * used) / total) < 0.001, "formula computed from the same batch");
    const cmd = rec.results.find((r) => r.checkId === "cmd")!;
    assertEquals([cmd.state, cmd.message], ["OK", "fine"]);
    assertEquals(c.latest("check.cmd.answer"), 42);
    assert(c.latest("mem.total") === total);
    assertEquals(c.errors, { sources: 0, sink: 0 });
  } finally {
    await c.stop();
  }
  const seen = rec.batches.length + rec.results.length;
  await sleep(300);
  assertEquals(rec.batches.length + rec.results.length, seen, "nothing arrives after stop()");
});

Deno.test("scheduler: apply() restarts only what changed", async () => {
  const base = {
    counters: { defaults: false, intervalMs: 60_000, sources: { uptime: { enabled: true } } },
    checks: [
      { id: "keep", type: "command", intervalMs: 60_000, params: { command: ["true"] } },
      { id: "drop", type: "command", intervalMs: 60_000, params: { command: ["true"] } },
    ],
  };
  const rec = recorder();
  const c = startCollection(parseAgentConfig(base), rec.sink, { maxJitterMs: 0 });
  try {
    await until(() => rec.results.length === 2 && rec.batches.length === 1);
    c.apply(parseAgentConfig({
      ...base,
      counters: { ...base.counters, sources: { uptime: { enabled: true }, load: { enabled: true } } },
      checks: [base.checks[0], {
        id: "new",
        type: "command",
        intervalMs: 60_000,
        params: { command: ["false"] },
      }],
    }));
    await until(() => rec.results.length === 3 && rec.batches.length === 2);
    await sleep(200);
    assertEquals(rec.results.map((r) => `${r.checkId}:${r.state}`).sort(), [
      "drop:OK",
      "keep:OK",
      "new:WARNING",
    ]);
    assertEquals(
      rec.batches.map((b) => b.samples[0]!.key).sort(),
      ["load.1", "uptime.s"],
      "uptime not re-run",
    );
  } finally {
    await c.stop();
  }
});

Deno.test("scheduler: at most maxConcurrentChecks checks run at once", async () => {
  const slow = (id: string) => ({
    id,
    type: "command",
    intervalMs: 60_000,
    params: { command: ["sleep", "0.2"] },
  });
  const rec = recorder();
  const c = startCollection(
    parseAgentConfig({
      counters: { defaults: false },
      checks: [slow("a"), slow("b"), slow("c")],
      maxConcurrentChecks: 1,
    }),
    rec.sink,
    { maxJitterMs: 0 },
  );
  try {
    await until(() => rec.results.length === 3);
    const spans = rec.results.map((r) => [r.ts, r.ts + r.durationMs] as const).sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++) {
      assert(spans[i]![0] >= spans[i - 1]![1] - 2, `overlap ${JSON.stringify(spans)}`);
    }
  } finally {
    await c.stop();
  }
});

Deno.test("loop: a task longer than its interval never overlaps itself", async () => {
  let running = 0, maxRunning = 0, runs = 0;
  const loop = new Loop(20, 0, async () => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    runs++;
    await sleep(60);
    running--;
  });
  await sleep(300);
  await loop.stop();
  assertEquals(maxRunning, 1);
  assert(runs >= 3 && runs <= 6, `runs ${runs}`);
});

Deno.test("scheduler: a sink that throws is counted, collection goes on", async () => {
  let calls = 0;
  const c = startCollection(
    parseAgentConfig({
      counters: { defaults: false, intervalMs: 100, sources: { uptime: { enabled: true } } },
    }),
    {
      samples: () => {
        calls++;
        throw new Error("journal full");
      },
      check: () => {},
    },
    { maxJitterMs: 0 },
  );
  try {
    await until(() => calls >= 3);
    assert(c.errors.sink >= 3);
  } finally {
    await c.stop();
  }
});
