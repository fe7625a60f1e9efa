/**
 * Counters and service checks of the agent: {@linkcode startCollection} runs the configured counter
 * sources and checks and hands samples and results to a sink (the journal).
 * @module
 */
export {
  type Collection,
  type CollectionOptions,
  type CollectionSink,
  startCollection,
} from "./scheduler.ts";
export type { CounterSource } from "./source.ts";
export { SOURCE_FACTORIES } from "./sources.ts";
export { compileFormula, type Formula } from "./formula.ts";
export { CHECK_TYPES } from "../check/registry.ts";
export type { CheckContext, CheckOutcome, CheckType } from "../check/check_type.ts";
export { runCheck } from "../check/runner.ts";
export { agentConfigProblems } from "./validate.ts";
