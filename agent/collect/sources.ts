/**
 * The table of counter sources: which exist, which the configuration switches on, at which interval.
 * A new source is a new file plus one line here.
 * @module
 */
import {
  COUNTER_SOURCES,
  type CountersConfig,
  type CounterSourceName,
} from "@sonde/shared/wire/agent_config";
import { CpuSource } from "./cpu.ts";
import { DiskSource } from "./disk.ts";
import { FilesystemSource } from "./filesystem.ts";
import { LoadSource } from "./load.ts";
import { MemorySource } from "./memory.ts";
import { NetworkSource } from "./network.ts";
import { ProcessSource } from "./process.ts";
import type { CounterSource, ProcPaths } from "./source.ts";
import { SwapSource } from "./swap.ts";
import { UptimeSource } from "./uptime.ts";

/** Builds each source from the counters configuration. */
export const SOURCE_FACTORIES: Record<
  CounterSourceName,
  (c: CountersConfig, p?: ProcPaths) => CounterSource
> = {
  cpu: (_c, p) => new CpuSource(p),
  load: (_c, p) => new LoadSource(p),
  memory: (_c, p) => new MemorySource(p),
  swap: (_c, p) => new SwapSource(p),
  filesystem: (_c, p) => new FilesystemSource(p),
  disk: (_c, p) => new DiskSource(p),
  network: (_c, p) => new NetworkSource(p),
  process: (c, p) => new ProcessSource(c.processes ?? [], p),
  uptime: (_c, p) => new UptimeSource(p),
};

/** A source the configuration wants running, with what makes it differ from a previous plan. */
export interface PlannedSource {
  name: CounterSourceName;
  intervalMs: number;
  /** Changes when the source must be rebuilt (interval or its own settings). */
  signature: string;
}

/**
 * Which sources run under `config`: a source runs when its override says `enabled`, else when
 * `defaults` is on; `process` runs only when processes are configured.
 */
export function planSources(config: CountersConfig): PlannedSource[] {
  const out: PlannedSource[] = [];
  for (const name of COUNTER_SOURCES) {
    const override = config.sources?.[name];
    const wanted = name === "process" ? (config.processes?.length ?? 0) > 0 : config.defaults;
    if (!(override?.enabled ?? wanted)) continue;
    if (name === "process" && (config.processes?.length ?? 0) === 0) continue;
    const intervalMs = override?.intervalMs ?? config.intervalMs;
    const own = name === "process" ? JSON.stringify(config.processes) : "";
    out.push({ name, intervalMs, signature: `${intervalMs}|${own}` });
  }
  return out;
}
