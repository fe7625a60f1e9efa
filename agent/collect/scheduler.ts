/**
 * Runs counter sources and service checks on their intervals and hands results to a sink. `apply`
 * reconciles with a new configuration: only sources and checks whose settings changed are restarted.
 * First runs are jittered so a fleet does not read /proc or hit a service in lockstep; a check never
 * overlaps itself, and at most `maxConcurrentChecks` checks run at once.
 *
 * @example
 * ```ts
 * const collection = startCollection(defaultAgentConfig(), {
 *   samples: (batch) => journal.append(RecordKind.Samples, batch),
 *   check: (result) => journal.append(RecordKind.Check, result),
 * });
 * collection.apply(newConfig);
 * await collection.stop();
 * ```
 * @module
 */
import type { AgentConfig, CheckSpec } from "@sonde/shared/wire/agent_config";
import type { CheckResult, SampleBatch } from "@sonde/shared/wire/types";
import { createLogger } from "@sonde/shared/log";
import { errorMessage } from "@sonde/shared/errors";
import { perfdataSamples } from "../check/perfdata.ts";
import { runCheck } from "../check/runner.ts";
import { Semaphore } from "../check/semaphore.ts";
import { FormulaSet } from "./formula_set.ts";
import { Loop } from "./loop.ts";
import { planSources, SOURCE_FACTORIES } from "./sources.ts";
import type { ProcPaths, Sample } from "./source.ts";

/** Where collected data goes (the agent's journal). Must not throw; it is called synchronously. */
export interface CollectionSink {
  samples(batch: SampleBatch): void;
  check(result: CheckResult): void;
}

/** A running collection. */
export interface Collection {
  /** Switches to a new configuration, restarting only what changed. */
  apply(config: AgentConfig): void;
  /** The latest collected value of a counter key. */
  latest(key: string): number | undefined;
  /** Failures so far: source collections that threw, and sink calls that threw. */
  readonly errors: { sources: number; sink: number };
  /** Stops every loop and waits for running collections and checks to end. */
  stop(): Promise<void>;
}

/** Options for tests and embedding. */
export interface CollectionOptions {
  /** Upper bound of the random delay before a first run, ms (default 5000, capped at the interval). */
  maxJitterMs?: number;
  paths?: ProcPaths;
}

/** Starts collecting counters and running checks under `config`. */
export function startCollection(
  config: AgentConfig,
  sink: CollectionSink,
  options: CollectionOptions = {},
): Collection {
  const log = createLogger("agent/collect");
  const latest = new Map<string, number>();
  const errors = { sources: 0, sink: 0 };
  const sources = new Map<string, { signature: string; loop: Loop }>();
  const checks = new Map<string, { signature: string; loop: Loop }>();
  const formulas = new FormulaSet(log);
  let semaphore = new Semaphore(config.maxConcurrentChecks);
  let current = config;
  const jitter = (intervalMs: number) => Math.random() * Math.min(intervalMs, options.maxJitterMs ?? 5000);

  function emit(samples: Sample[], ts: number): void {
    for (const s of samples) latest.set(s.key, s.value);
    const derived = formulas.evaluate(samples, (key) => latest.get(key));
    for (const s of derived) latest.set(s.key, s.value);
    if (samples.length + derived.length === 0) return;
    try {
      sink.samples({ ts, samples: samples.concat(derived) });
    } catch (error) {
      errors.sink++;
      log.error("sink rejected samples", { error: errorMessage(error), failures: errors.sink });
    }
  }

  function startSource(name: keyof typeof SOURCE_FACTORIES, intervalMs: number): Loop {
    const source = SOURCE_FACTORIES[name](current.counters, options.paths);
    let failures = 0;
    return new Loop(intervalMs, jitter(intervalMs), async () => {
      const ts = Date.now();
      try {
        emit(await source.collect(ts), ts);
        failures = 0;
      } catch (error) {
        errors.sources++;
        // log the first failure of a streak and then every 100th, never once per interval
        if (failures++ % 100 === 0) {
          log.warn("counter source failed", { source: name, error: errorMessage(error), streak: failures });
        }
      }
    });
  }

  function startCheck(spec: CheckSpec): Loop {
    return new Loop(spec.intervalMs, jitter(spec.intervalMs), async (stop) => {
      let release: () => void;
      try {
        release = await semaphore.acquire(stop);
      } catch {
        return; // stopped while waiting for a permit
      }
      try {
        const result = await runCheck(spec, { latest: (k) => latest.get(k) }, stop);
        if (stop.aborted) return;
        if (result.perfdata) emit(perfdataSamples(spec.id, result.perfdata), result.ts);
        try {
          sink.check(result);
        } catch (error) {
          errors.sink++;
          log.error("sink rejected a check result", { error: errorMessage(error), failures: errors.sink });
        }
      } finally {
        release();
      }
    });
  }

  function apply(next: AgentConfig): void {
    const semaphoreChanged = next.maxConcurrentChecks !== current.maxConcurrentChecks;
    current = next;
    if (semaphoreChanged) semaphore = new Semaphore(next.maxConcurrentChecks);
    const plan = new Map(planSources(next.counters).map((p) => [p.name as string, p]));
    for (const [name, running] of sources) {
      if (plan.get(name)?.signature !== running.signature) {
        running.loop.stop();
        sources.delete(name);
      }
    }
    for (const [name, p] of plan) {
      if (!sources.has(name)) {
        sources.set(name, { signature: p.signature, loop: startSource(p.name, p.intervalMs) });
      }
    }
    const wanted = new Map(next.checks.map((c) => [c.id, c]));
    for (const [id, running] of checks) {
      const spec = wanted.get(id);
      // a new semaphore means every check must take its permits from it
      if (!spec || semaphoreChanged || JSON.stringify(spec) !== running.signature) {
        running.loop.stop();
        checks.delete(id);
      }
    }
    for (const [id, spec] of wanted) {
      if (!checks.has(id)) checks.set(id, { signature: JSON.stringify(spec), loop: startCheck(spec) });
    }
    formulas.set(next.counters.formulas ?? []);
  }

  apply(config);
  return {
    apply,
    latest: (key) => latest.get(key),
    errors,
    async stop() {
      const loops = [...sources.values(), ...checks.values()].map((r) => r.loop);
      sources.clear();
      checks.clear();
      await Promise.all(loops.map((l) => l.stop()));
    },
  };
}
