/**
 * The service-check contract: one file per type (`http.ts`, `tcp.ts`, …), each a {@linkcode CheckType}
 * registered in `registry.ts`. A type honours `signal` (the timeout) and reports what it found; the
 * runner turns timeouts and crashes into states with a reason.
 * @module
 */
import type { CheckSpecOf, CheckTypeName } from "@sonde/shared/wire/agent_config";
import type { CheckState, PerfData } from "@sonde/shared/wire/types";

/** What one run of a check found. */
export interface CheckOutcome {
  state: CheckState;
  /** One line: what was found, or why the state is not OK. */
  message: string;
  perfdata?: PerfData[];
}

/** What a check may consult besides its own parameters. */
export interface CheckContext {
  /** The latest collected value of a counter key. */
  latest(key: string): number | undefined;
}

/** One kind of service check. */
export interface CheckType<T extends CheckTypeName = CheckTypeName> {
  readonly type: T;
  /**
   * State reported when the check exceeds its timeout: CRITICAL for availability checks (a service
   * that does not answer in time is down, as check_http / check_tcp report it), UNKNOWN otherwise.
   */
  readonly timeoutState: CheckState;
  run(spec: CheckSpecOf<T>, signal: AbortSignal, ctx: CheckContext): Promise<CheckOutcome>;
}

/** Rejects with the signal's reason once `signal` aborts; for racing work that cannot be cancelled. */
export function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
