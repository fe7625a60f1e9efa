/**
 * Event flags and levels of the Sonde telemetry SDK. The numeric values are the original
 * app.telemetry SDK's, so instrumentation ported from it keeps its meaning.
 * @module
 */

/**
 * Event flags, combined as a bit set.
 *
 * @example
 * ```ts
 * import { Flag } from "@sonde/sdk";
 * const flags = Flag.LEAVE | Flag.ERROR; // 18
 * ```
 */
export const Flag = {
  /** Plain event. */
  NONE: 0,
  /** Start of a request or section. */
  ENTER: 1,
  /** End of a request or section. */
  LEAVE: 2,
  /** A waiting condition. */
  WAIT: 4,
  /** Something went wrong but the work continued. */
  WARNING: 8,
  /** The work failed. */
  ERROR: 16,
  /** Process information follows. */
  PROCESS_INFO: 32,
} as const;

/**
 * Event levels: an event is kept when its level ≤ the level wanted by a log pool or a recording session.
 *
 * @example
 * ```ts
 * import { Level } from "@sonde/sdk";
 * console.log(Level.DETAIL); // 60
 * ```
 */
export const Level = {
  /** Always recorded; its parameters become log-pool columns. */
  LOG: 0,
  /** Normal recording sessions. */
  NORMAL: 50,
  /** Detailed session analysis. */
  DETAIL: 60,
  /** Everything; large volume. */
  DEBUG: 70,
} as const;

/**
 * Default intake URL of the local agent.
 *
 * @example
 * ```ts
 * const sonde = createSonde({ app, agentUrl: DEFAULT_AGENT_URL });
 * ```
 */
export const DEFAULT_AGENT_URL = "http://127.0.0.1:4318/sonde/v1/events";
