/**
 * Command check with the Nagios plugin contract: runs argv (no shell) in its own process group, exit
 * 0/1/2/3 → OK / WARNING / CRITICAL / UNKNOWN, any other exit or a signal → UNKNOWN; the first line of
 * output is the message and performance data after `|` is kept. On timeout the whole process group is
 * killed (SIGTERM, then SIGKILL after a grace period) and the result is UNKNOWN, as the plugin
 * guideline prescribes for plugin timeouts.
 * @module
 */
import type { CheckState } from "@sonde/shared/wire/types";
import type { CheckOutcome, CheckType } from "./check_type.ts";
import { parsePluginOutput } from "./perfdata.ts";

const STATES: CheckState[] = ["OK", "WARNING", "CRITICAL", "UNKNOWN"];
/** Output kept per stream; plugins print a few lines, the rest is discarded. */
const MAX_OUTPUT = 64 * 1024;
const KILL_GRACE_MS = 500;

async function readBounded(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    if (text.length < MAX_OUTPUT) text += decoder.decode(chunk, { stream: true });
  }
  return text.slice(0, MAX_OUTPUT);
}

function killGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** The command (Nagios plugin) check type. */
export const commandCheck: CheckType<"command"> = {
  type: "command",
  timeoutState: "UNKNOWN",
  async run(spec, signal): Promise<CheckOutcome> {
    const [program, ...args] = spec.params.command;
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(program!, {
        args,
        env: { LC_ALL: "C", ...spec.params.env },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        detached: true,
      }).spawn();
    } catch (error) {
      return { state: "UNKNOWN", message: `Cannot run "${program}": ${(error as Error).message}` };
    }
    let grace: ReturnType<typeof setTimeout> | undefined;
    const kill = () => {
      killGroup(child.pid, "SIGTERM");
      grace = setTimeout(() => killGroup(child.pid, "SIGKILL"), KILL_GRACE_MS);
    };
    signal.addEventListener("abort", kill, { once: true });
    try {
      const [status, stdout, stderr] = await Promise.all([
        child.status,
        readBounded(child.stdout),
        readBounded(child.stderr),
      ]);
      const out = parsePluginOutput(stdout.trim() === "" ? stderr : stdout);
      const message = out.message || "(no output)";
      if (status.signal) {
        return { state: "UNKNOWN", message: `"${program}" was killed by ${status.signal}: ${message}` };
      }
      const state = STATES[status.code];
      if (state === undefined) {
        return { state: "UNKNOWN", message: `"${program}" exited with code ${status.code}: ${message}` };
      }
      return { state, message, perfdata: out.perfdata };
    } finally {
      signal.removeEventListener("abort", kill);
      clearTimeout(grace);
      // grandchildren that still hold the group after the plugin exited are not ours to keep
      if (signal.aborted) killGroup(child.pid, "SIGKILL");
    }
  },
};
