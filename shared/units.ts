/**
 * Parsers for human-written durations (`30s`, `1h30m`, `250ms`) and sizes (`64MiB`, `1.5GB`, `512`).
 *
 * @example
 * ```ts
 * import { parseDuration, parseSize } from "@sonde/shared/units";
 * parseDuration("1m30s"); // 90000
 * parseSize("64MiB"); // 67108864
 * ```
 * @module
 */

const DURATION_UNITS: Record<string, number> = {
  us: 0.001,
  µs: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses a duration into milliseconds. Accepts a sequence of `<number><unit>` parts with units
 * us, ms, s, m, h, d, w, or a plain non-negative number of milliseconds.
 * @throws {SyntaxError} naming the value when it cannot be parsed.
 */
export function parseDuration(text: string | number): number {
  if (typeof text === "number") {
    if (!Number.isFinite(text) || text < 0) {
      throw new RangeError(`Cannot parse duration: ${text} is not a non-negative number`);
    }
    return text;
  }
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(us|µs|ms|s|m|h|d|w)/gy;
  let total = 0;
  let pos = 0;
  let matched = false;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    pos = re.lastIndex;
    matched = true;
  }
  if (!matched || pos !== s.length) {
    throw new SyntaxError(`Cannot parse duration "${text}": expected e.g. "30s", "5m", "1h30m" or "250ms"`);
  }
  return total;
}

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1000,
  kb: 1000,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/**
 * Parses a size into bytes: `512`, `64KiB`, `64MiB`, `1.5GB` (SI units are powers of 1000, IEC of 1024).
 * @throws {SyntaxError} naming the value when it cannot be parsed.
 */
export function parseSize(text: string | number): number {
  if (typeof text === "number") {
    if (!Number.isFinite(text) || text < 0) {
      throw new RangeError(`Cannot parse size: ${text} is not a non-negative number`);
    }
    return Math.floor(text);
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new SyntaxError(`Cannot parse size "${text}": expected e.g. "512", "64KiB", "64MiB" or "1GB"`);
  }
  return Math.floor(Number(m[1]) * unit);
}

/** Formats milliseconds as a compact duration (`1h30m`, `250ms`). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join("");
}
