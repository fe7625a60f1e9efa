/** Load averages from `/proc/loadavg`: `load.1`, `load.5`, `load.15`. @module */
import { type CounterSource, fields, LINUX, type ProcPaths, type Sample, sample } from "./source.ts";

/** Load averages over 1, 5 and 15 minutes. */
export class LoadSource implements CounterSource {
  readonly name = "load";
  constructor(private readonly paths: ProcPaths = LINUX) {}

  async collect(_now: number): Promise<Sample[]> {
    const [one, five, fifteen] = fields(await Deno.readTextFile(`${this.paths.proc}/loadavg`)).map(Number);
    return [sample("load.1", one!), sample("load.5", five!), sample("load.15", fifteen!)]
      .filter((s) => Number.isFinite(s.value));
  }
}
