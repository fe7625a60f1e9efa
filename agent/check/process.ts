/**
 * Process-present check: counts processes matched like the process counters (name substring or
 * `/regex/` on the command line) against `warn` / `crit` ranges; the default `crit: "1:"` means "at
 * least one must run".
 * @module
 */
import { compileMatcher, listProcesses } from "../collect/process.ts";
import type { CheckOutcome, CheckType } from "./check_type.ts";
import { thresholdState } from "./range.ts";

/** The process-present check type. */
export const processCheck: CheckType<"process"> = {
  type: "process",
  timeoutState: "UNKNOWN",
  async run(spec, signal): Promise<CheckOutcome> {
    const p = spec.params;
    const matches = compileMatcher(p.match);
    let count = 0;
    for (const proc of await listProcesses()) {
      if (signal.aborted) throw signal.reason;
      const cmdline = async () => {
        try {
          return (await Deno.readTextFile(`/proc/${proc.pid}/cmdline`)).replaceAll("\0", " ").trim();
        } catch {
          return ""; // exited meanwhile
        }
      };
      if (await matches(proc, cmdline)) count++;
    }
    const state = thresholdState(count, p.warn, p.crit);
    const what = `${count} process${count === 1 ? "" : "es"} matching "${p.match}"`;
    return {
      state,
      message: state === "OK" ? what : `${state}: ${what} (warn ${p.warn ?? "-"}, crit ${p.crit ?? "-"})`,
      perfdata: [{ label: "count", value: count, warn: p.warn, crit: p.crit, min: 0 }],
    };
  },
};
