/**
 * The all-in-one process as a user runs it: `deno task start` with a temporary data folder.
 */
import { assert, assertEquals, assertMatch } from "./helpers/assert.ts";
import { freePort } from "./helpers/postgres.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** Free ports for the local agent, so tests never collide with each other or a running Sonde. */
function agentPorts(): string[] {
  return [
    "--agent-listen",
    `127.0.0.1:${freePort()}`,
    "--agent-status-listen",
    `127.0.0.1:${freePort()}`,
    "--intake-listen",
    `127.0.0.1:${freePort()}`,
  ];
}

function startSonde(args: string[], env: Record<string, string> = {}) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args, ...agentPorts()],
    stdout: "piped",
    stderr: "piped",
    env: { SONDE_LOG_LEVEL: "warn", ...env },
  }).spawn();
}

async function waitHealthy(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return await res.json();
      await res.body?.cancel();
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

async function stopWithin(child: Deno.ChildProcess, ms: number): Promise<{ code: number; tookMs: number }> {
  const t0 = Date.now();
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), ms + 2000);
  const status = await child.status;
  clearTimeout(timer);
  await child.stdout.cancel().catch(() => {});
  await child.stderr.cancel().catch(() => {});
  return { code: status.code, tookMs: Date.now() - t0 };
}

Deno.test({
  name: "start answers /healthz, stops on SIGTERM and a second start reuses the data",
  sanitizeResources: false,
  fn: async () => {
    const data = await Deno.makeTempDir({ prefix: "sonde-start-" });
    try {
      const port = freePort();
      const first = startSonde(["--data", data, "--listen", `127.0.0.1:${port}`]);
      const h1 = await waitHealthy(`http://127.0.0.1:${port}/healthz`, 30_000);
      assertEquals(h1.status, "ok");
      const stop1 = await stopWithin(first, 10_000);
      assertEquals(stop1.code, 0, "exit code after SIGTERM");
      assert(stop1.tookMs < 10_000, `stopped in ${stop1.tookMs} ms`);

      const second = startSonde(["--data", data, "--listen", `127.0.0.1:${port}`]);
      const h2 = await waitHealthy(`http://127.0.0.1:${port}/healthz`, 30_000);
      const c1 = h1.components as Record<string, unknown>;
      const c2 = h2.components as Record<string, unknown>;
      assertEquals(c2.installation, c1.installation, "the same database was found again");
      assertEquals((await stopWithin(second, 10_000)).code, 0);
    } finally {
      await Deno.remove(data, { recursive: true }).catch(() => {});
    }
  },
});

async function failedStart(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { SONDE_LOG_LEVEL: "warn", ...env },
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("invalid configuration stops start-up with messages naming each problem", async () => {
  const data = await Deno.makeTempDir({ prefix: "sonde-start-" });
  const cfg = `${data}/sonde.json`;
  await Deno.writeTextFile(cfg, JSON.stringify({ listen: "127.0.0.1:0", colour: "blue" }));
  const r = await failedStart(["--data", data, "--config", cfg, "--listen", "nowhere", "--frobnicate", "1"]);
  assertEquals(r.code, 2, r.stderr);
  assertMatch(r.stderr, /unknown key "colour"/);
  assertMatch(r.stderr, /unknown flag "--frobnicate"/);
  assertMatch(r.stderr, /"nowhere"/);
  let dbCreated = true;
  try {
    await Deno.stat(`${data}/db`);
  } catch {
    dbCreated = false;
  }
  assert(!dbCreated, "nothing is half-started: no database was created");
  await Deno.remove(data, { recursive: true });
});

Deno.test("an unreachable DATABASE_URL stops start-up with a message naming it", async () => {
  const data = await Deno.makeTempDir({ prefix: "sonde-start-" });
  const r = await failedStart(["--data", data, "--listen", `127.0.0.1:${freePort()}`], {
    DATABASE_URL: `postgres://sonde@127.0.0.1:${freePort()}/sonde`,
  });
  assertEquals(r.code, 1, r.stderr);
  assertMatch(r.stderr, /Cannot connect to PostgreSQL at postgres:\/\/sonde@127\.0\.0\.1:\d+\/sonde/);
  await Deno.remove(data, { recursive: true });
});
