/**
 * Filesystem-free check: free space of the filesystem holding `path`, as percent (`measure:
 * "free_pct"`, default) or bytes (`"free_bytes"`), against `warn` / `crit` ranges — e.g. `warn: "10:"`
 * alerts when less than 10 % is free.
 * @module
 */
import { filesystemUsage } from "../collect/filesystem.ts";
import type { CheckOutcome, CheckType } from "./check_type.ts";
import { thresholdState } from "./range.ts";

/** The filesystem-free check type. */
export const filesystemCheck: CheckType<"filesystem"> = {
  type: "filesystem",
  timeoutState: "UNKNOWN",
  async run(spec): Promise<CheckOutcome> {
    const p = spec.params;
    let usage;
    try {
      usage = await filesystemUsage(p.path);
    } catch (error) {
      return {
        state: "UNKNOWN",
        message: `Cannot read filesystem of "${p.path}": ${(error as Error).message}`,
      };
    }
    const avail = usage.used + usage.free;
    const freePct = avail > 0 ? Math.round((10_000 * usage.free) / avail) / 100 : 0;
    const value = p.measure === "free_pct" ? freePct : usage.free;
    const state = thresholdState(value, p.warn, p.crit);
    const gib = (usage.free / 1024 ** 3).toFixed(2);
    const what = `${p.path}: ${freePct}% free (${gib} GiB of ${(avail / 1024 ** 3).toFixed(2)} GiB)`;
    return {
      state,
      message: state === "OK" ? what : `${state}: ${what}`,
      perfdata: [
        { label: "free_pct", value: freePct, uom: "%", min: 0, max: 100 },
        { label: "free", value: usage.free, uom: "B", min: 0, max: avail },
      ].map((pd) =>
        (p.measure === "free_pct") === (pd.label === "free_pct") ? { ...pd, warn: p.warn, crit: p.crit } : pd
      ),
    };
  },
};
