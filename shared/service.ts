/**
 * The life cycle every Sonde process shares: services start in order, and on SIGTERM or SIGINT they
 * stop in reverse order before a deadline; the process then exits 0 (or 1 when the deadline passed).
 *
 * @example
 * ```ts
 * import { runServices } from "@sonde/shared/service";
 * await runServices("worker", [await startWorker(config)]);
 * ```
 * @module
 */
import { ConfigError, errorMessage } from "./errors.ts";
import { createLogger } from "./log.ts";

/** A started component that can be stopped. */
export interface Service {
  /** Name for logs (`server`, `agent`). */
  readonly name: string;
  /** Stops intake, flushes, closes; must not throw. */
  stop(): Promise<void>;
}

/**
 * Waits for SIGTERM / SIGINT, then stops `services` in reverse order within `deadlineMs` and exits.
 */
export function runServices(process: string, services: Service[], deadlineMs = 9000): Promise<never> {
  const log = createLogger(process);
  return new Promise<never>(() => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info("stopping", { signal });
      const timer = setTimeout(() => {
        log.error("shutdown deadline passed, exiting", { deadlineMs });
        Deno.exit(1);
      }, deadlineMs);
      for (const s of [...services].reverse()) {
        try {
          await s.stop();
        } catch (e) {
          log.error("stop failed", { service: s.name, error: errorMessage(e) });
        }
      }
      clearTimeout(timer);
      log.info("stopped");
      Deno.exit(0);
    };
    for (const signal of ["SIGTERM", "SIGINT"] as const) Deno.addSignalListener(signal, () => stop(signal));
  });
}

/**
 * Runs a process's start-up: on a {@linkcode ConfigError} prints every problem and exits 2; on any
 * other error stops what was already started, prints the reason and exits 1.
 */
export async function startProcess(
  process: string,
  start: (started: Service[]) => Promise<void>,
): Promise<Service[]> {
  const started: Service[] = [];
  try {
    await start(started);
    return started;
  } catch (e) {
    for (const s of started.reverse()) await s.stop().catch(() => {});
    if (e instanceof ConfigError) {
      console.error(`sonde ${process}: ${e.message}`);
      Deno.exit(2);
    }
    console.error(`sonde ${process}: cannot start: ${errorMessage(e)}`);
    Deno.exit(1);
  }
}
