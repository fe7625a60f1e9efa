/**
 * Real Sonde processes for cross-process tests: agents and servers started with `deno run`, stopped
 * with SIGTERM or killed with SIGKILL; their stderr is kept for failure messages.
 * @module
 */
import { freePort } from "./postgres.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A running child process. */
export interface Proc {
  readonly child: Deno.ChildProcess;
  /** Everything it wrote to stderr so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after `ms`; resolves with the exit code. */
  stop(ms?: number): Promise<number>;
  /** SIGKILL at once (like `kill -9`). */
  kill9(): Promise<void>;
}

/** Starts `deno run -A <script> ...args` from the repository root. */
export function spawnDeno(script: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}${script}`, ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { SONDE_LOG_LEVEL: "info", NO_COLOR: "1", ...env },
  }).spawn();
  let text = "";
  const reading = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of child.stderr) {
      text += dec.decode(chunk);
      if (text.length > 200_000) text = text.slice(-100_000);
    }
  })().catch(() => {});
  let done = false;
  const status = child.status.then((s) => {
    done = true;
    return s;
  });
  return {
    child,
    output: () => text,
    async stop(ms = 10_000) {
      if (done) return (await status).code;
      child.kill("SIGTERM");
      const timer = setTimeout(() => {
        if (!done) child.kill("SIGKILL");
      }, ms);
      const s = await status;
      clearTimeout(timer);
      await reading;
      return s.code;
    },
    async kill9() {
      if (!done) child.kill("SIGKILL");
      await status;
      await reading;
    },
  };
}

/** An agent process on loopback with its own folders. */
export interface AgentProc extends Proc {
  name: string;
  address: string;
  port: number;
  statusPort: number;
  etc: string;
  data: string;
}

/** Starts an agent (intake off) with a fast local configuration. */
export async function startAgentProc(
  name: string,
  dir: string,
  port = freePort(),
  statusPort = freePort(),
): Promise<AgentProc> {
  const etc = `${dir}/etc`;
  const data = `${dir}/data`;
  await Deno.mkdir(data, { recursive: true });
  const cfg = `${dir}/agent.json`;
  await Deno.writeTextFile(
    cfg,
    JSON.stringify({ collect: { version: 0, counters: { defaults: true, intervalMs: 1000 } } }),
  );
  const p = spawnDeno("agent/main.ts", [
    "--etc",
    etc,
    "--data",
    data,
    "--listen",
    `127.0.0.1:${port}`,
    "--status-listen",
    `127.0.0.1:${statusPort}`,
    "--intake",
    "false",
    "--config",
    cfg,
  ]);
  await waitFor(
    async () => {
      const r = await fetch(`http://127.0.0.1:${statusPort}/status`);
      await r.body?.cancel();
      return r.ok;
    },
    30_000,
    `agent ${name} status`,
  );
  return { ...p, name, address: `127.0.0.1:${port}`, port, statusPort, etc, data };
}

/** Polls `fn` until it returns true or the time is up. */
export async function waitFor(
  fn: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
  everyMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await fn()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ""}`);
}
