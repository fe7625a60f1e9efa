/**
 * Status rules: a service is the worst of its checks (UNKNOWN when a check has no result for three
 * intervals or its agent is unreachable); a group is the worst of its children unless its rule says
 * otherwise (CRITICAL only when at least N % of the children are).
 * @module
 */
import type { CheckState } from "@sonde/shared/wire/types";

/** Severity used for "worst of": OK < WARNING < UNKNOWN < CRITICAL. */
export const SEVERITY: Record<CheckState, number> = { OK: 0, WARNING: 1, UNKNOWN: 2, CRITICAL: 3 };

/** A state with its reason. */
export interface Verdict {
  state: CheckState;
  cause: string;
}

/** The worst of several verdicts (the first one wins among equals); OK when empty. */
export function worst(items: Verdict[], empty: Verdict = { state: "OK", cause: "" }): Verdict {
  let out = empty;
  for (const v of items) if (SEVERITY[v.state] > SEVERITY[out.state] || out === empty) out = v;
  return out;
}

/** One check's latest result as the evaluator sees it. */
export interface CheckView {
  name: string;
  intervalMs: number;
  state?: CheckState;
  message?: string;
  /** ms since epoch of the last result. */
  ts?: number;
}

/** The state of a service from its checks and its agent. */
export function serviceVerdict(
  checks: CheckView[],
  agent: { name: string; state: string } | undefined,
  now: number,
): Verdict {
  if (agent && (agent.state === "unreachable" || agent.state === "fingerprint_changed")) {
    return {
      state: "UNKNOWN",
      cause: `agent ${agent.name} is ${
        agent.state === "unreachable" ? "unreachable" : "refused (certificate changed)"
      }`,
    };
  }
  const verdicts = checks.map((c): Verdict => {
    if (c.ts === undefined || c.state === undefined) {
      return { state: "UNKNOWN", cause: `${c.name}: no result yet` };
    }
    if (now - c.ts > 3 * c.intervalMs) {
      return {
        state: "UNKNOWN",
        cause: `${c.name}: no result for ${Math.round((now - c.ts) / 1000)} s (3 intervals)`,
      };
    }
    return { state: c.state, cause: `${c.name}: ${c.message ?? ""}`.trim() };
  });
  const w = worst(verdicts, { state: "OK", cause: checks.length === 0 ? "no checks" : "" });
  if (w.state === "OK" && checks.length > 0) {
    return { state: "OK", cause: `${checks.length} check${checks.length === 1 ? "" : "s"} OK` };
  }
  return w;
}

/** A group's rule. */
export type GroupRule = { type: "worst" } | { type: "percent"; criticalPct: number; warningPct?: number };

/** The state of a group from its children's states. */
export function groupVerdict(children: (Verdict & { name: string })[], rule: GroupRule): Verdict {
  if (children.length === 0) return { state: "OK", cause: "empty" };
  const bad = children.filter((c) => c.state !== "OK");
  if (rule.type === "percent") {
    const critical = children.filter((c) => c.state === "CRITICAL").length;
    const pct = (100 * critical) / children.length;
    if (critical > 0 && pct >= rule.criticalPct) {
      return {
        state: "CRITICAL",
        cause: `${critical} of ${children.length} children CRITICAL (≥ ${rule.criticalPct} %)`,
      };
    }
    const nonOkPct = (100 * bad.length) / children.length;
    if (bad.length > 0 && (rule.warningPct === undefined || nonOkPct >= rule.warningPct)) {
      return { state: "WARNING", cause: `${bad.length} of ${children.length} children not OK` };
    }
    return { state: "OK", cause: "" };
  }
  const w = worst(children);
  if (w.state === "OK") return { state: "OK", cause: "" };
  const named = children.find((c) => c === w)!;
  return { state: w.state, cause: `${named.name}: ${w.cause}` };
}
