/** Parser of `/proc/meminfo` shared by the memory and swap sources. @module */
import type { ProcPaths } from "./source.ts";

/** Reads `/proc/meminfo` into bytes per field (`MemTotal` → bytes). */
export async function readMeminfo(paths: ProcPaths): Promise<Map<string, number>> {
  const text = await Deno.readTextFile(`${paths.proc}/meminfo`);
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]) * (line.trimEnd().endsWith("kB") ? 1024 : 1));
  }
  return out;
}
