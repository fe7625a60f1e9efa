/**
 * Counter-threshold check: the latest collected value of a counter key (including formula counters and
 * perfdata of command checks) against `warn` / `crit` ranges. A counter not collected (yet) is UNKNOWN.
 * @module
 */
import type { CheckOutcome, CheckType } from "./check_type.ts";
import { thresholdState } from "./range.ts";

/** The counter-threshold check type. */
export const counterCheck: CheckType<"counter"> = {
  type: "counter",
  timeoutState: "UNKNOWN",
  run(spec, _signal, ctx): Promise<CheckOutcome> {
    const p = spec.params;
    const value = ctx.latest(p.key);
    if (value === undefined) {
      return Promise.resolve({
        state: "UNKNOWN",
        message: `Counter "${p.key}" has no value (not collected yet?)`,
      });
    }
    const state = thresholdState(value, p.warn, p.crit);
    const what = `${p.key} = ${value}`;
    return Promise.resolve({
      state,
      message: state === "OK" ? what : `${state}: ${what} (warn ${p.warn ?? "-"}, crit ${p.crit ?? "-"})`,
      perfdata: [{ label: p.key, value, warn: p.warn, crit: p.crit }],
    });
  },
};
