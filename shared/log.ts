/**
 * A small JSON-lines logger: one line per event on stderr, `{"ts","level","component","msg",...fields}`.
 * Never log per sample or per event — count instead; never log keys or whole payloads.
 *
 * @example
 * ```ts
 * import { createLogger } from "@sonde/shared/log";
 * const log = createLogger("agent");
 * log.info("listening", { address: "127.0.0.1:4100" });
 * ```
 * @module
 */

/** Severity of a log line, in increasing order. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** A component's logger. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger for a sub-component (`server/pull`). */
  child(component: string): Logger;
}

/** Where log lines go and which are kept; tests replace `write` to capture lines. */
export const logSink: { level: LogLevel; write: (line: string) => void } = {
  level: readLevel(),
  write: (line) => {
    try {
      Deno.stderr.writeSync(new TextEncoder().encode(line + "\n"));
    } catch {
      // stderr closed: nothing sensible left to do with a log line
    }
  },
};

function readLevel(): LogLevel {
  try {
    const v = Deno.env.get("SONDE_LOG_LEVEL");
    if (v === "debug" || v === "info" || v === "warn" || v === "error") return v;
  } catch {
    // no env permission: keep the default
  }
  return "info";
}

function serialize(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** Creates a logger for `component`. */
export function createLogger(component: string): Logger {
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (ORDER[level] < ORDER[logSink.level]) return;
    const line: Record<string, unknown> = { ts: new Date().toISOString(), level, component, msg };
    if (fields) { for (const [k, v] of Object.entries(fields)) line[k] = serialize(v); }
    logSink.write(JSON.stringify(line));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (sub) => createLogger(`${component}/${sub}`),
  };
}
