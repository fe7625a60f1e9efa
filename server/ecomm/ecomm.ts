/**
 * The Ecomm service: every tick it decides new status events against the notification rules
 * (enqueueing into the persistent outbox), adds due reminders, and delivers due outbox rows. Work
 * per tick is bounded; a full tick schedules the next one at once, an idle one waits `pollMs`.
 *
 * @example
 * ```ts
 * const ecomm = startEcomm({ store, pollMs: 1000 });
 * ecomm.stats().sent;
 * await ecomm.stop();
 * ```
 * @module
 */
import type { Store } from "@sonde/shared/db";
import { errorMessage } from "@sonde/shared/errors";
import { createLogger, type Logger } from "@sonde/shared/log";
import type { Service } from "@sonde/shared/service";
import { deliverDue, type DeliveryOptions } from "./deliver.ts";
import { enqueueEvents, type EnqueueLimits } from "./enqueue.ts";
import { pruneOutbox } from "./prune.ts";
import { enqueueRepeats } from "./repeat.ts";
import { type EcommCounts, EcommStats } from "./stats.ts";

/** Options of {@linkcode startEcomm}; every limit has a default. */
export interface EcommOptions extends Partial<EnqueueLimits>, Partial<DeliveryOptions> {
  store: Store;
  log?: Logger;
  /** Wait between idle ticks (default 1000 ms). */
  pollMs?: number;
  /** How long sent and failed outbox rows are kept (default 30 days). */
  keepMs?: number;
  /** How often counters are logged when they changed (default 60 s). */
  statsLogMs?: number;
}

/** A running Ecomm service. */
export interface Ecomm extends Service {
  /** Counters since start (events, enqueued, sent, retried, failed, dropped, ...). */
  stats(): EcommCounts;
  /** Runs a tick soon (e.g. right after the Server recorded a status change). */
  wake(): void;
  /** Runs one tick now and resolves when it is done (tests, tools). */
  tick(): Promise<void>;
}

/** Starts polling and delivering; stop() lets the running tick finish (sends in flight are abandoned). */
export function startEcomm(options: EcommOptions): Ecomm {
  const db = options.store.db;
  const log = options.log ?? createLogger("ecomm");
  const pollMs = options.pollMs ?? 1000;
  const limits: EnqueueLimits = {
    maxEvents: options.maxEvents ?? 200,
    maxPending: options.maxPending ?? 10_000,
  };
  const delivery: DeliveryOptions = {
    maxBatch: options.maxBatch ?? 50,
    concurrency: options.concurrency ?? 4,
    maxAttempts: options.maxAttempts ?? 8,
    backoffMs: options.backoffMs ?? 5_000,
    maxBackoffMs: options.maxBackoffMs ?? 15 * 60_000,
    claimMs: options.claimMs ?? 5 * 60_000,
  };
  const stats = new EcommStats();
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let failing = false;
  let wokenWhileRunning = false;
  const keepMs = options.keepMs ?? 30 * 86_400_000;
  const statsLogMs = options.statsLogMs ?? 60_000;
  let lastHousekeeping = Date.now();
  let lastLogged = "";
  let droppedLogged = 0;

  const once = async (): Promise<boolean> => {
    const events = await enqueueEvents(db, limits, stats);
    const repeats = await enqueueRepeats(db, limits.maxEvents, stats);
    const sent = await deliverDue(db, delivery, stats, log, abort.signal);
    if (Date.now() - lastHousekeeping >= statsLogMs) {
      lastHousekeeping = Date.now();
      const pruned = await pruneOutbox(db, keepMs, 1000);
      const counts = JSON.stringify(stats.snapshot());
      if (counts !== lastLogged || pruned > 0) log.info("stats", { ...stats.snapshot(), pruned });
      lastLogged = counts;
    }
    return events >= limits.maxEvents || repeats >= limits.maxEvents || sent >= delivery.maxBatch;
  };

  const tick = (): Promise<void> => {
    if (running) return running;
    clearTimeout(timer);
    running = (async () => {
      wokenWhileRunning = false;
      let busy = false;
      try {
        busy = await once();
        if (failing) log.info("ticks work again");
        failing = false;
      } catch (e) {
        stats.count("tickErrors");
        if (!failing) log.error("tick failed, retrying", { error: errorMessage(e) });
        failing = true;
      }
      const dropped = stats.snapshot().dropped;
      if (dropped > droppedLogged) {
        log.warn("outbox full, notifications dropped", { dropped, maxPending: limits.maxPending });
        droppedLogged = dropped;
      }
      running = undefined;
      if (!abort.signal.aborted) timer = setTimeout(tick, busy || wokenWhileRunning ? 0 : pollMs);
    })();
    return running;
  };

  timer = setTimeout(tick, 0);
  log.info("started", { pollMs, ...limits, maxAttempts: delivery.maxAttempts });
  return {
    name: "ecomm",
    stats: () => stats.snapshot(),
    wake: () => {
      if (abort.signal.aborted) return;
      if (running) {
        wokenWhileRunning = true; // the running tick may have read the events already
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(tick, 0);
    },
    tick,
    async stop() {
      abort.abort(new DOMException("ecomm is stopping", "AbortError"));
      clearTimeout(timer);
      await running;
    },
  };
}
