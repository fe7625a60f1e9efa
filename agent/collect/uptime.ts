/** Host uptime from `/proc/uptime`: `uptime.s`. @module */
import { type CounterSource, fields, LINUX, type ProcPaths, type Sample, sample } from "./source.ts";

/** Seconds since boot. */
export class UptimeSource implements CounterSource {
  readonly name = "uptime";
  constructor(private readonly paths: ProcPaths = LINUX) {}

  async collect(_now: number): Promise<Sample[]> {
    const seconds = Number(fields(await Deno.readTextFile(`${this.paths.proc}/uptime`))[0]);
    return Number.isFinite(seconds) ? [sample("uptime.s", Math.floor(seconds), "s")] : [];
  }
}
