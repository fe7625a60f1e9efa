/**
 * Typed event parameters (int32, int64, string) and the conversion of a plain object to them.
 * @module
 */
import type { Param } from "@sonde/shared/wire/telemetry";

export type { Param };

/**
 * Parameters as the SDK accepts them: typed params, or a plain object whose value types pick the type.
 *
 * @example
 * ```ts
 * const a: ParamsInput = [int32("rows", 3), str("user", "alice")];
 * const b: ParamsInput = { rows: 3, user: "alice", bytes: 10n ** 12n };
 * ```
 */
export type ParamsInput = Param[] | Record<string, number | bigint | string | boolean>;

const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;

/**
 * A 32-bit integer parameter (the value is truncated and clamped to the int32 range).
 *
 * @example
 * ```ts
 * import { int32 } from "@sonde/sdk";
 * const p = int32("rows", 12); // { name: "rows", type: "int32", value: 12 }
 * ```
 */
export function int32(name: string, value: number): Param {
  const v = Math.trunc(value);
  return { name, type: "int32", value: Number.isFinite(v) ? Math.min(I32_MAX, Math.max(I32_MIN, v)) : 0 };
}

/**
 * A 64-bit integer parameter from a `bigint`, a safe integer or a decimal string.
 *
 * @example
 * ```ts
 * import { int64 } from "@sonde/sdk";
 * const p = int64("bytes", 9007199254740993n); // value "9007199254740993"
 * ```
 */
export function int64(name: string, value: bigint | number | string): Param {
  if (typeof value === "bigint") return { name, type: "int64", value: value.toString() };
  if (typeof value === "number") return { name, type: "int64", value: String(Math.trunc(value) || 0) };
  return { name, type: "int64", value: /^-?\d{1,19}$/.test(value) ? value : "0" };
}

/**
 * A string parameter.
 *
 * @example
 * ```ts
 * import { str } from "@sonde/sdk";
 * const p = str("user", "alice"); // { name: "user", type: "string", value: "alice" }
 * ```
 */
export function str(name: string, value: string): Param {
  return { name, type: "string", value: String(value) };
}

/**
 * Converts {@linkcode ParamsInput} to typed params: integers in int32 range → int32, other integers and
 * bigints → int64, everything else → string.
 *
 * @example
 * ```ts
 * import { toParams } from "@sonde/sdk";
 * toParams({ status: 200, user: "alice", bytes: 5000000000 });
 * ```
 */
export function toParams(input: ParamsInput): Param[] {
  if (Array.isArray(input)) return input;
  const out: Param[] = [];
  for (const name in input) {
    const v = input[name];
    if (typeof v === "number" && Number.isInteger(v)) {
      out.push(v >= I32_MIN && v <= I32_MAX ? { name, type: "int32", value: v } : int64(name, v));
    } else if (typeof v === "bigint") out.push(int64(name, v));
    else out.push({ name, type: "string", value: String(v) });
  }
  return out;
}
