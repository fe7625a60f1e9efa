/**
 * Nagios threshold ranges per the Monitoring Plugins development guideline: `[@]start:end`, where start ≤
 * end, `start` defaults to 0 when there is no colon, `~` means −∞, an empty end means +∞. A value
 * outside the range alerts; with `@` a value inside it (inclusive) alerts.
 *
 * | range    | alerts when          |
 * |----------|----------------------|
 * | `10`     | < 0 or > 10          |
 * | `10:`    | < 10                 |
 * | `~:10`   | > 10                 |
 * | `10:20`  | < 10 or > 20         |
 * | `@10:20` | ≥ 10 and ≤ 20        |
 * @module
 */
import type { CheckState } from "@sonde/shared/wire/types";

/** A parsed range. */
export interface NagiosRange {
  start: number;
  end: number;
  /** `@`: alert inside the range instead of outside. */
  inside: boolean;
}

function bound(text: string, range: string, fallback: number): number {
  if (text === "") return fallback;
  const v = Number(text);
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text) || !Number.isFinite(v)) {
    throw new SyntaxError(`Cannot parse threshold range "${range}": "${text}" is not a number`);
  }
  return v;
}

/**
 * Parses a range like `10`, `10:`, `~:10`, `10:20`, `@10:20`.
 * @throws {SyntaxError} naming the range when it is malformed or start > end.
 */
export function parseRange(text: string): NagiosRange {
  let body = text.trim();
  const inside = body.startsWith("@");
  if (inside) body = body.slice(1);
  if (body === "") throw new SyntaxError(`Cannot parse threshold range "${text}": empty`);
  const colon = body.indexOf(":");
  const startText = colon < 0 ? "" : body.slice(0, colon);
  const endText = colon < 0 ? body : body.slice(colon + 1);
  if (colon >= 0 && endText.includes(":")) {
    throw new SyntaxError(`Cannot parse threshold range "${text}": more than one ":"`);
  }
  const start = startText === "~" ? -Infinity : bound(startText, text, 0);
  const end = bound(endText, text, Infinity);
  if (start > end) {
    throw new SyntaxError(`Cannot parse threshold range "${text}": start ${start} > end ${end}`);
  }
  return { start, end, inside };
}

/** Whether `value` raises an alert under `range`. */
export function alerts(range: NagiosRange, value: number): boolean {
  const within = value >= range.start && value <= range.end;
  return range.inside ? within : !within;
}

/**
 * The state of `value` against optional warning and critical ranges (critical wins).
 * @throws {SyntaxError} when a range is malformed.
 */
export function thresholdState(value: number, warn?: string, crit?: string): CheckState {
  if (crit !== undefined && alerts(parseRange(crit), value)) return "CRITICAL";
  if (warn !== undefined && alerts(parseRange(warn), value)) return "WARNING";
  return "OK";
}

/** The more severe of two states (OK < WARNING < UNKNOWN < CRITICAL). */
export function worst(a: CheckState, b: CheckState): CheckState {
  const rank: Record<CheckState, number> = { OK: 0, WARNING: 1, UNKNOWN: 2, CRITICAL: 3 };
  return rank[a] >= rank[b] ? a : b;
}
