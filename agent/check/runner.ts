/**
 * Runs one check with its timeout: the result always has a state and a reason. A check that exceeds
 * `timeoutMs` is aborted (commands are killed) and reported with its type's timeout state; a check that
 * throws is UNKNOWN with the error message.
 * @module
 */
import type { CheckSpec } from "@sonde/shared/wire/agent_config";
import type { CheckResult } from "@sonde/shared/wire/types";
import { errorMessage } from "@sonde/shared/errors";
import { aborted, type CheckContext, type CheckOutcome, type CheckType } from "./check_type.ts";
import { CHECK_TYPES } from "./registry.ts";

/** Marks an abort caused by the check's own timeout. */
class CheckTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

/**
 * Runs `spec` once. `stop` aborts the run when the agent stops or the check is removed (the result is
 * then UNKNOWN "cancelled").
 */
export async function runCheck(spec: CheckSpec, ctx: CheckContext, stop?: AbortSignal): Promise<CheckResult> {
  const type = CHECK_TYPES[spec.type] as CheckType;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new CheckTimeout(spec.timeoutMs)), spec.timeoutMs);
  const onStop = () => controller.abort(new Error("cancelled: the check was stopped"));
  stop?.addEventListener("abort", onStop, { once: true });
  const ts = Date.now();
  const t0 = performance.now();
  let outcome: CheckOutcome;
  try {
    outcome = await Promise.race([type.run(spec, controller.signal, ctx), aborted(controller.signal)]);
  } catch (error) {
    const reason = controller.signal.aborted ? controller.signal.reason : error;
    outcome = reason instanceof CheckTimeout
      ? { state: type.timeoutState, message: `${spec.type} check "${spec.id}" ${reason.message}` }
      : { state: "UNKNOWN", message: `${spec.type} check "${spec.id}" failed: ${errorMessage(reason)}` };
  } finally {
    clearTimeout(timer);
    stop?.removeEventListener("abort", onStop);
    if (!controller.signal.aborted) controller.abort(new Error("finished"));
  }
  const result: CheckResult = {
    checkId: spec.id,
    ts,
    state: outcome.state,
    message: outcome.message,
    durationMs: Math.round((performance.now() - t0) * 10) / 10,
  };
  if (outcome.perfdata && outcome.perfdata.length > 0) result.perfdata = outcome.perfdata;
  return result;
}
