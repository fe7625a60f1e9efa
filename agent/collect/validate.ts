/**
 * Checks of an agent configuration that need the agent's own parsers: formula syntax and threshold
 * ranges parsed exactly as they will run. `parseAgentConfig` (shared) checks the shape; an agent that
 * receives a configuration calls this too and refuses it with every problem listed.
 * @module
 */
import type { AgentConfig } from "@sonde/shared/wire/agent_config";
import { parseRange } from "../check/range.ts";
import { compileFormula } from "./formula.ts";

const RANGE_FIELDS = ["warn", "crit", "warnMs", "critMs"] as const;

/** Problems the agent would hit running `config`, one sentence each with its path; empty when none. */
export function agentConfigProblems(config: AgentConfig): string[] {
  const problems: string[] = [];
  const keys = new Set<string>();
  (config.counters.formulas ?? []).forEach((f, i) => {
    try {
      compileFormula(f.expr);
    } catch (error) {
      problems.push(`counters.formulas[${i}].expr: ${(error as Error).message}`);
    }
    if (keys.has(f.key)) problems.push(`counters.formulas[${i}].key: "${f.key}" is defined twice`);
    keys.add(f.key);
  });
  config.checks.forEach((check, i) => {
    const params = check.params as unknown as Record<string, unknown>;
    for (const field of RANGE_FIELDS) {
      const value = params[field];
      if (typeof value !== "string") continue;
      try {
        parseRange(value);
      } catch (error) {
        problems.push(`checks[${i}].params.${field}: ${(error as Error).message}`);
      }
    }
  });
  return problems;
}
