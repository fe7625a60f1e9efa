/**
 * Command-line channel: writes the message to a temporary file and runs a program whose arguments
 * may hold the placeholders `%FILE` (that file), `%TO` (recipients, comma-separated) and `%SUBJECT`.
 * No shell is involved: each argument is substituted on its own. Exit code 0 is delivered; any other
 * exit code or a timeout is retried; a program that does not exist is permanent.
 *
 * Settings: `{ "command": ["/usr/bin/mail", "-s", "%SUBJECT", "%TO"], "to"?: [...], "timeoutMs"?: 30000 }`.
 * @module
 */
import { errorMessage } from "@sonde/shared/errors";
import { type Channel, DeliveryError, type Message, SettingsReader, withTimeout } from "./channel.ts";

/** Parsed command settings. */
export interface CommandSettings {
  command: string[];
  to: string[];
  timeoutMs: number;
}

function parseSettings(settings: unknown): CommandSettings {
  const r = new SettingsReader("command", settings);
  const command = r.list("command", true);
  const to = r.list("to", false);
  const timeoutMs = r.num("timeoutMs", 30_000);
  r.done();
  return { command, to, timeoutMs };
}

/** Replaces `%FILE`, `%TO` and `%SUBJECT` in one argument. */
export function substitute(arg: string, values: { file: string; to: string; subject: string }): string {
  return arg.replace(
    /%(FILE|TO|SUBJECT)/g,
    (_, k: string) => k === "FILE" ? values.file : k === "TO" ? values.to : values.subject,
  );
}

async function send(message: Message, settings: unknown, signal: AbortSignal): Promise<void> {
  const s = parseSettings(settings);
  const file = await Deno.makeTempFile({ prefix: `sonde-notify-${message.id}-`, suffix: ".txt" });
  const t = withTimeout(signal, s.timeoutMs);
  try {
    await Deno.writeTextFile(file, `Subject: ${message.subject}\n\n${message.text}\n`);
    const values = { file, to: s.to.join(","), subject: message.subject };
    const [program, ...args] = s.command.map((a) => substitute(a, values));
    let out: Deno.CommandOutput;
    try {
      out = await new Deno.Command(program!, {
        args,
        stdin: "null",
        stdout: "null",
        stderr: "piped",
        signal: t.signal,
        env: { SONDE_IDEMPOTENCY_KEY: String(message.id) },
      }).output();
    } catch (e) {
      const notFound = e instanceof Deno.errors.NotFound || e instanceof Deno.errors.PermissionDenied;
      throw new DeliveryError(
        `Cannot run notification command "${program}": ${errorMessage(e)}`,
        !notFound,
        e,
      );
    }
    if (out.success) return;
    if (t.signal.aborted) {
      throw new DeliveryError(`Notification command "${program}" ${errorMessage(t.signal.reason)}`, true);
    }
    const err = new TextDecoder().decode(out.stderr).trim().slice(-300);
    throw new DeliveryError(
      `Notification command "${program}" exited with code ${out.code}${err ? `: ${err}` : ""}`,
      true,
    );
  } finally {
    t.done();
    await Deno.remove(file).catch(() => {});
  }
}

/** The command-line channel. */
export const commandChannel: Channel = { type: "command", parseSettings, send };
