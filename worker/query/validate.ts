/**
 * Small validators for query parameters: each appends a problem (`field: rule: current value is x`)
 * instead of throwing, so one `ValidationError` lists everything wrong at once.
 * @module
 */
import { ValidationError } from "@sonde/shared/errors";

type Obj = Record<string, unknown>;

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 60) + "…" : s;
}

/** Throws a `ValidationError` when `problems` is not empty. */
export function check(problems: string[]): void {
  if (problems.length > 0) throw new ValidationError(problems);
}

/** Reads `o` as an object, noting a problem otherwise. */
export function objectOf(problems: string[], value: unknown, what: string): Obj {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Obj;
  problems.push(`${what}: must be an object: current value is ${show(value)}`);
  return {};
}

/** An integer field within `[min, max]`. */
export function checkInt(
  problems: string[],
  o: Obj,
  key: string,
  min: number,
  max: number,
  required: boolean,
): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) problems.push(`${key}: is required`);
    return undefined;
  }
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    problems.push(`${key}: must be an integer from ${min} to ${max}: current value is ${show(v)}`);
    return undefined;
  }
  return v;
}

/** A time in ms since epoch. */
export function checkTime(problems: string[], o: Obj, key: string, required: boolean): number | undefined {
  return checkInt(problems, o, key, 0, 8_640_000_000_000_000, required);
}

/** A string field of at most `max` chars. */
export function checkString(
  problems: string[],
  o: Obj,
  key: string,
  max: number,
  required: boolean,
): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) problems.push(`${key}: is required`);
    return undefined;
  }
  if (typeof v !== "string" || v.length > max) {
    problems.push(`${key}: must be a string of at most ${max} chars: current value is ${show(v)}`);
    return undefined;
  }
  return v;
}

/** One of `allowed`. */
export function checkEnum<T extends string>(
  problems: string[],
  o: Obj,
  key: string,
  allowed: readonly T[],
): T | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    problems.push(`${key}: must be one of ${allowed.join(", ")}: current value is ${show(v)}`);
    return undefined;
  }
  return v as T;
}

/** `from < to` when both are present. */
export function checkRange(problems: string[], from: number | undefined, to: number | undefined): void {
  if (from !== undefined && to !== undefined && from >= to) {
    problems.push(`to: must be after from (${from}): current value is ${to}`);
  }
}
