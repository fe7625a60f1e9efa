/**
 * The Server service: pulls every agent (when it holds the pull lease), stores what they collected,
 * evaluates status, keeps partitions and retention, and exposes configuration and self-metrics.
 * Both `server/main.ts` and the all-in-one `main.ts` start it through {@linkcode startServer}.
 * @module
 */
import type { Store } from "@sonde/shared/db";
import { createLogger } from "@sonde/shared/log";
import { createMtlsClient, type MtlsClient } from "@sonde/shared/mtls";
import type { Service } from "@sonde/shared/service";
import type { ServiceIdentity } from "@sonde/shared/trust";
import type { ConfigDocument, ConfigKind } from "@sonde/shared/api";
import { errorMessage, NotFoundError, SondeError } from "@sonde/shared/errors";
import type { AgentConfig, TelemetrySession } from "@sonde/shared/wire/agent_config";
import { ConfigRepo } from "./config/repo.ts";
import { Metrics } from "./metrics.ts";
import { AgentApi } from "./pull/agent_api.ts";
import { Lease } from "./pull/lease.ts";
import { acceptPendingFingerprint, agentPinner } from "./pull/pinning.ts";
import { type PullOptions, PullScheduler } from "./pull/scheduler.ts";
import { Ingestor, type TelemetryHook } from "./store/ingest.ts";
import { maintainPartitions } from "./store/retention.ts";
import { type StatusChange, StatusEvaluator } from "./status/evaluator.ts";
import type { Assembler, FinishedRequest } from "./telemetry/assembler.ts";
import { applyRetention } from "./telemetry/retention.ts";

/** Options of {@linkcode startServer}. */
export interface ServerOptions {
  store: Store;
  /** The server's identity; its client certificate is what agents trust. */
  identity: ServiceIdentity;
  pull?: Partial<PullOptions>;
  /** Unique name of this process for the lease (default host + pid). */
  holder?: string;
  leaseTtlMs?: number;
  /** How often status is re-evaluated besides after each pull cycle. */
  evaluateEveryMs?: number;
  /** Data folder holding `telemetry/YYYY-MM-DD/` (retention of day folders). */
  dataDir?: string;
  /**
   * Assembles telemetry events into requests; flushed while this server holds the lease. Give a
   * factory when several servers share the database: the assembler is then created (rebuilding open
   * requests from pending rows) each time this server takes the lease, and stopped when it loses it.
   */
  assembler?: Assembler | (() => Promise<Assembler>);
  /** Receives every request the assembler wrote (live view). */
  onRequests?: (finished: FinishedRequest[]) => void;
  /** Running recording sessions (the Worker's), forwarded to every agent. */
  sessions?: () => Promise<TelemetrySession[]>;
  onStatusChange?: (changes: StatusChange[]) => void;
  /** Do not start the pull timer; cycles are run with `scheduler.runCycle()` (benchmarks). */
  manualPull?: boolean;
  /** Counter collection interval pushed to every agent (default 10 s). */
  counterIntervalMs?: number;
}

/** The running Server. */
export interface ServerHandle extends Service {
  config: ConfigRepo;
  metrics: Metrics;
  scheduler: PullScheduler;
  evaluator: StatusEvaluator;
  lease: Lease;
  ingestor: Ingestor;
  /** The configuration half of the Webservice's Backend. */
  configApi: {
    getConfig(): Promise<ConfigDocument>;
    putConfigObject(kind: ConfigKind, id: number | null, body: unknown): Promise<unknown>;
    deleteConfigObject(kind: ConfigKind, id: number): Promise<void>;
    importConfig(doc: unknown): Promise<void>;
    acceptAgentFingerprint(agentId: number): Promise<void>;
  };
}

/** Starts the Server service. */
export async function startServer(opts: ServerOptions): Promise<ServerHandle> {
  const log = createLogger("server");
  const db = opts.store.db;
  const metrics = new Metrics();
  const client: MtlsClient = createMtlsClient({
    identity: opts.identity,
    pin: agentPinner(db, log.child("trust")),
    maxSocketsPerOrigin: 1,
  });
  const api = new AgentApi(client);
  /** What agents forward: the level each log pool wants per application, and recording sessions. */
  const factory = typeof opts.assembler === "function" ? opts.assembler : undefined;
  let assembler: Assembler | undefined = typeof opts.assembler === "function" ? undefined : opts.assembler;
  const telemetryConfig = async (): Promise<AgentConfig["telemetry"]> => {
    const a = assembler;
    const levels = a
      ? Object.fromEntries(a.registrationsSeen().map((r) => [r.appName, a.levelFor(r.appName)]))
      : {};
    return { level: a?.levelFor("") ?? 50, levels, sessions: (await opts.sessions?.()) ?? [] };
  };
  let lastTelemetry: string | undefined;
  const holder = opts.holder ?? `${Deno.hostname()}:${Deno.pid}:${crypto.randomUUID().slice(0, 8)}`;
  const current = (): Assembler => {
    if (!assembler) {
      throw new SondeError("not_ready", "Cannot store telemetry: assembly is not running", {
        retryable: true,
      });
    }
    return assembler;
  };
  const telemetry: TelemetryHook | undefined = opts.assembler && {
    persistInTx: (tx, agentId, events, raw) => current().persistInTx(tx, agentId, events, raw),
    afterCommit: (staged) => current().ingestStaged(staged as Parameters<Assembler["ingestStaged"]>[0]),
  };
  const ingestor = new Ingestor(db, telemetry, holder);
  const config = new ConfigRepo(db, () => {
    // a configuration change is pushed on the next cycle; evaluate status soon
    void evaluator.evaluate().catch(() => {});
    void assembler?.reloadLogPools().catch((e) =>
      log.error("cannot reload log pools", { error: errorMessage(e) })
    );
  }, opts.counterIntervalMs ? { intervalMs: opts.counterIntervalMs } : {});
  const evaluator = new StatusEvaluator(db, (changes) => {
    metrics.inc("sonde_status_changes_total", "Status changes recorded", changes.length);
    opts.onStatusChange?.(changes);
  });
  const lease = new Lease(db, holder, log.child("lease"), opts.leaseTtlMs);
  await maintainPartitions(db, await config.settings());
  if (factory) {
    // assembly follows the lease: rebuilt from pending rows when taken, stopped (open requests stay
    // pending for the next holder) when lost
    lease.onChange = async (held) => {
      if (held && !assembler) {
        try {
          assembler = await factory();
        } catch (e) {
          log.error("cannot start telemetry assembly", { error: errorMessage(e) });
        }
      } else if (!held && assembler) {
        const a = assembler;
        assembler = undefined;
        await a.stop().catch((e) => log.error("cannot stop telemetry assembly", { error: errorMessage(e) }));
      }
    };
  }
  await lease.start();
  const scheduler = new PullScheduler({
    db,
    api,
    ingestor,
    log: log.child("pull"),
    metrics,
    active: () => lease.held && (!opts.assembler || assembler !== undefined),
    configVersion: async () => {
      const key = JSON.stringify(await telemetryConfig());
      // a recording session started or stopped, or a new application appeared: a new version for all
      if (lastTelemetry !== undefined && key !== lastTelemetry) await config.bumpVersion();
      lastTelemetry = key;
      return config.version();
    },
    raiseVersion: (atLeast) => config.raiseVersionAbove(atLeast),
    configFor: async (agentId) => config.agentConfig(agentId, await telemetryConfig()),
    afterCycle: async () => {
      await evaluator.evaluate();
    },
  }, opts.pull);
  if (!opts.manualPull) scheduler.start();
  const evalTimer = setInterval(() => {
    if (lease.held) {
      void evaluator.evaluate().catch((e) =>
        log.error("status evaluation failed", { error: errorMessage(e) })
      );
    }
  }, opts.evaluateEveryMs ?? 5000);
  let flushing = false;
  const flushTimer = opts.assembler && setInterval(async () => {
    const a = assembler;
    if (!lease.held || flushing || !a) return;
    flushing = true;
    const t0 = performance.now();
    try {
      const finished = await a.flush();
      metrics.inc(
        "sonde_assembly_flush_seconds_total",
        "Time spent writing assembled requests",
        (performance.now() - t0) / 1000,
      );
      if (finished.length > 0) {
        metrics.inc("sonde_requests_assembled_total", "Requests written to log pools", finished.length);
        opts.onRequests?.(finished);
      }
    } catch (e) {
      log.error("telemetry flush failed", { error: errorMessage(e) });
    } finally {
      flushing = false;
    }
  }, 500);
  const upkeepTimer = setInterval(async () => {
    if (!lease.held) return;
    try {
      const dropped = await maintainPartitions(db, await config.settings());
      if (dropped.length > 0) log.info("retention dropped partitions", { partitions: dropped });
      if (opts.dataDir) {
        const telemetry = await applyRetention(db, opts.dataDir);
        if (telemetry.partitions.length + telemetry.folders.length > 0) {
          log.info("telemetry retention", telemetry);
        }
      }
    } catch (e) {
      log.error("partition upkeep failed", { error: errorMessage(e) });
    }
  }, 3_600_000);
  log.info("server started", { holder: opts.identity.client.fingerprint });
  return {
    name: "server",
    config,
    metrics,
    scheduler,
    evaluator,
    lease,
    ingestor,
    configApi: {
      getConfig: async () => (await config.exportDocument()) as unknown as ConfigDocument,
      putConfigObject: (kind, id, body) => config.put(kind, id, body),
      deleteConfigObject: (kind, id) => config.delete(kind, id),
      importConfig: (doc) => config.importDocument(doc),
      acceptAgentFingerprint: async (agentId) => {
        if (!(await acceptPendingFingerprint(db, agentId))) {
          throw new NotFoundError(`Cannot accept a fingerprint for agent ${agentId}: none is waiting`);
        }
      },
    },
    async stop() {
      clearInterval(evalTimer);
      clearInterval(upkeepTimer);
      clearInterval(flushTimer);
      await scheduler.stop();
      lease.onChange = undefined;
      await assembler?.stop();
      await lease.stop();
      client.close();
    },
  };
}
