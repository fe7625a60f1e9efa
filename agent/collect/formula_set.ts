/**
 * The configured formula counters, compiled once per configuration and evaluated after each collection
 * that produced one of their inputs. A formula that does not parse is logged once and skipped.
 * @module
 */
import type { FormulaSpec } from "@sonde/shared/wire/agent_config";
import type { Logger } from "@sonde/shared/log";
import { compileFormula, type Formula } from "./formula.ts";
import { round, type Sample } from "./source.ts";

interface Compiled {
  spec: FormulaSpec;
  formula: Formula;
}

/** Formula counters of the current configuration. */
export class FormulaSet {
  #compiled: Compiled[] = [];
  #signature = "";
  /** Formulas that did not parse under the current configuration. */
  invalid = 0;

  constructor(private readonly log: Logger) {}

  /** Replaces the formulas (no work when unchanged). */
  set(specs: FormulaSpec[]): void {
    const signature = JSON.stringify(specs);
    if (signature === this.#signature) return;
    this.#signature = signature;
    this.#compiled = [];
    this.invalid = 0;
    for (const spec of specs) {
      try {
        this.#compiled.push({ spec, formula: compileFormula(spec.expr) });
      } catch (error) {
        this.invalid++;
        this.log.warn("formula skipped", { key: spec.key, error: (error as Error).message });
      }
    }
  }

  /**
   * Values of the formulas that read any key in `fresh` (and whose inputs all have values); formulas
   * over formulas see the values computed earlier in the same pass, in configuration order.
   */
  evaluate(fresh: Sample[], lookup: (key: string) => number | undefined): Sample[] {
    if (this.#compiled.length === 0 || fresh.length === 0) return [];
    const touched = new Set(fresh.map((s) => s.key));
    const out: Sample[] = [];
    const local = new Map<string, number>();
    const get = (key: string) => local.get(key) ?? lookup(key);
    for (const { spec, formula } of this.#compiled) {
      if (!formula.keys.some((k) => touched.has(k))) continue;
      const value = formula.evaluate(get);
      if (value === undefined) continue;
      local.set(spec.key, value);
      touched.add(spec.key);
      out.push({ key: spec.key, value: round(value, 4), unit: spec.unit ?? "" });
    }
    return out;
  }
}
