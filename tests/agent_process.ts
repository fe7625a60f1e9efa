/**
 * Test helper: runs a real agent process (`deno run -A agent/main.ts`) on temp folders and waits until
 * it logs that it started, reading its ports from that line. Log lines stay available for assertions.
 */
const MAIN = new URL("../agent/main.ts", import.meta.url).pathname;

/** A running agent process. */
export interface AgentProcess {
  pid: number;
  pullPort: number;
  statusPort: number;
  /** Every JSON log line so far. */
  logs: Record<string, unknown>[];
  /** SIGTERM and wait; returns the exit code. */
  stop(): Promise<number>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
}

/** Deno's arguments to run `agent/main.ts` with `--etc`, `--data`, free ports, no intake, and `extra`. */
export function agentArgs(etc: string, data: string, extra: string[] = []): string[] {
  return [
    "run",
    "-A",
    MAIN,
    "--etc",
    etc,
    "--data",
    data,
    "--listen",
    "127.0.0.1:0",
    "--status-listen",
    "127.0.0.1:0",
    "--intake",
    "false",
    ...extra,
  ];
}

/** Starts `agent/main.ts` with {@linkcode agentArgs}. */
export async function startAgentProcess(
  etc: string,
  data: string,
  extra: string[] = [],
): Promise<AgentProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: agentArgs(etc, data, extra),
    stdout: "null",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const logs: Record<string, unknown>[] = [];
  const started = Promise.withResolvers<Record<string, unknown>>();
  const pump = (async () => {
    let text = "";
    const dec = new TextDecoder();
    for await (const chunk of child.stderr) {
      text += dec.decode(chunk, { stream: true });
      const lines = text.split("\n");
      text = lines.pop()!;
      for (const line of lines) {
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(line);
        } catch {
          parsed = { msg: line };
        }
        logs.push(parsed);
        if (parsed.msg === "agent started") started.resolve(parsed);
      }
    }
  })();
  const exited = child.status.then((s) => s.code);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const early = exited.then((code) => {
    throw new Error(`agent exited with ${code} before starting: ${JSON.stringify(logs.slice(-5))}`);
  });
  early.catch(() => {}); // only matters while waiting for the start
  const line = await Promise.race([
    started.promise,
    early,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`agent did not start within 20 s: ${JSON.stringify(logs)}`)),
        20_000,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  return {
    pid: child.pid,
    pullPort: line.pullPort as number,
    statusPort: line.statusPort as number,
    logs,
    async kill() {
      child.kill("SIGKILL");
      await exited;
      await pump;
    },
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      const code = await exited;
      await pump;
      return code;
    },
  };
}
