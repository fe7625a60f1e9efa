/**
 * Query-parameter parsing with clear 400s: every problem names the parameter and its value.
 * @module
 */
import type { Context } from "hono";
import { ValidationError } from "@sonde/shared/errors";

/** Options of {@linkcode intParam}. */
export interface IntOptions {
  min?: number;
  max?: number;
  default?: number;
}

/** An integer query parameter (or path parameter with `path: true`). */
export function intParam(c: Context, name: string, opts: IntOptions & { path?: boolean } = {}): number {
  const raw = opts.path ? c.req.param(name) : c.req.query(name);
  if (raw === undefined || raw === "") {
    if (opts.default !== undefined) return opts.default;
    throw new ValidationError(`${opts.path ? "path" : "query"} parameter "${name}": is required`);
  }
  const n = Number(raw);
  const min = opts.min ?? Number.MIN_SAFE_INTEGER;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  if (!/^-?\d+$/.test(raw) || n < min || n > max) {
    const range = opts.min !== undefined || opts.max !== undefined ? ` from ${min} to ${max}` : "";
    throw new ValidationError(
      `${
        opts.path ? "path" : "query"
      } parameter "${name}": must be an integer${range}: current value is "${raw}"`,
    );
  }
  return n;
}

/** An optional integer query parameter. */
export function optionalInt(c: Context, name: string, opts: IntOptions = {}): number | undefined {
  const raw = c.req.query(name);
  return raw === undefined || raw === "" ? undefined : intParam(c, name, opts);
}

/** A time query parameter: ms since epoch or an ISO date; `fallback` when absent. */
export function timeParam(c: Context, name: string, fallback: number): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(n)) {
    throw new ValidationError(
      `query parameter "${name}": must be milliseconds since epoch or an ISO time: current value is "${raw}"`,
    );
  }
  return n;
}

/** A time range `from`..`to` (default: the last `defaultSpanMs`), checked for order and size. */
export function rangeParams(c: Context, defaultSpanMs: number, maxSpanMs = 400 * 86_400_000) {
  const to = timeParam(c, "to", Date.now());
  const from = timeParam(c, "from", to - defaultSpanMs);
  if (from >= to) {
    throw new ValidationError(`query parameters "from" and "to": from (${from}) must be before to (${to})`);
  }
  if (to - from > maxSpanMs) {
    throw new ValidationError(`query parameters "from" and "to": the range must not exceed ${maxSpanMs} ms`);
  }
  return { from, to };
}

/** A string query parameter restricted to `values`. */
export function enumParam<T extends string>(c: Context, name: string, values: readonly T[]): T | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return undefined;
  if (!values.includes(raw as T)) {
    throw new ValidationError(
      `query parameter "${name}": must be one of ${values.join(", ")}: current value is "${raw}"`,
    );
  }
  return raw as T;
}

/** The JSON body of a request. @throws {ValidationError} when it is not JSON. */
export async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch (e) {
    throw new ValidationError(`body: must be JSON: ${e instanceof Error ? e.message : e}`);
  }
}
