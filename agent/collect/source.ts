/**
 * The counter-source contract: one file per source (`cpu.ts`, `memory.ts`, …), each a
 * {@linkcode CounterSource} registered in `sources.ts`.
 * @module
 */
import type { Sample } from "@sonde/shared/wire/types";

export type { Sample };

/** A source of counter samples, collected on its own interval. */
export interface CounterSource {
  /** Source name as in the configuration (`cpu`, `memory`, …). */
  readonly name: string;
  /** Takes one reading at `now` (ms since epoch). Rates need two readings, so the first may be partial. */
  collect(now: number): Sample[] | Promise<Sample[]>;
}

/** Where Linux exposes its counters; tests may point these at fixtures. */
export interface ProcPaths {
  proc: string;
  sys: string;
}

/** The real `/proc` and `/sys`. */
export const LINUX: ProcPaths = { proc: "/proc", sys: "/sys" };

/** Builds a sample. */
export function sample(key: string, value: number, unit = ""): Sample {
  return { key, value, unit };
}

/** Rounds to a few decimals so samples stay short on the wire. */
export function round(value: number, decimals = 3): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** Splits a line on runs of whitespace, ignoring leading and trailing blanks. */
export function fields(line: string): string[] {
  return line.trim().split(/\s+/);
}
