/**
 * The Worker: answers the query half of {@linkcode Backend} from the store and the raw telemetry
 * files, keeps the newest requests in memory for the live view, and runs recording sessions.
 * @module
 */
import type { Store } from "@sonde/shared/db";
import type { Service } from "@sonde/shared/service";
import { createLogger, type Logger } from "@sonde/shared/log";
import { errorMessage } from "@sonde/shared/errors";
import type { Backend, RequestRow } from "@sonde/shared/api";
import type { TelemetrySession } from "@sonde/shared/wire/agent_config";
import { readRequest } from "@sonde/shared/telemetry/segment_reader";
import { statusTree } from "./query/status_tree.ts";
import { serviceDetail } from "./query/service_detail.ts";
import { statusEvents } from "./query/status_events.ts";
import { counterKeys, counterSeries } from "./query/counters.ts";
import { listAgents } from "./query/agents.ts";
import { listLogPools } from "./query/log_pools.ts";
import { listRequests } from "./query/requests.ts";
import { type RecordReader, requestDetail } from "./query/request_detail.ts";
import { pruneStatistics, statistics } from "./query/statistics.ts";
import { AgentNames } from "./query/request_row.ts";
import { LiveHub, type LiveStats } from "./live/live_hub.ts";
import { RequestTableSource } from "./live/table_source.ts";
import { Sessions } from "./session/sessions.ts";
import { exportSession, importSession, sessionRequest, sessionRequests } from "./session/transfer.ts";

/** The methods of {@linkcode Backend} the Worker answers. */
export type WorkerQueries =
  & Pick<
    Backend,
    | "statusTree"
    | "service"
    | "statusEvents"
    | "counterSeries"
    | "counterKeys"
    | "agents"
    | "logPools"
    | "requests"
    | "request"
    | "statistics"
    | "live"
  >
  & Required<
    Pick<
      Backend,
      | "sessions"
      | "startSession"
      | "stopSession"
      | "exportSession"
      | "importSession"
      | "sessionRequests"
      | "sessionRequest"
    >
  >;

/** The Worker as a service. */
export interface Worker extends WorkerQueries, Service {
  /** Hands a finished request to the live view (the in-process assembler calls this). */
  publish(pool: number, row: RequestRow): void;
  /** Running recording sessions, for `telemetry.sessions` of every agent configuration. */
  activeSessions(): Promise<TelemetrySession[]>;
  /** Live-view counters. */
  liveStats(): LiveStats;
}

/** Options of {@linkcode createWorker}. */
export interface WorkerOptions {
  store: Store;
  /** Data folder holding `telemetry/YYYY-MM-DD/` day files. */
  dataDir: string;
  /** Requests held for the live view (default 2000). */
  liveCapacity?: number;
  /** Poll period of the request table for the live view (default 1000 ms; 0 disables polling). */
  livePollMs?: number;
  /** Period of the sweep that stops sessions whose time is up and drops statistics rollup rows past
   * their pool's retention (default 30 s; 0 disables). */
  sessionSweepMs?: number;
  /** Reads a request record (default: the Server's segment reader). */
  read?: RecordReader;
  log?: Logger;
}

/** Creates the Worker over an open store. */
export function createWorker(options: WorkerOptions): Worker {
  const db = options.store.db;
  const log = options.log ?? createLogger("worker");
  const read = options.read ?? readRequest;
  const agents = new AgentNames(db);
  const pollMs = options.livePollMs ?? 1000;
  const hub = new LiveHub({
    capacity: options.liveCapacity,
    source: pollMs > 0 ? new RequestTableSource(db, agents) : undefined,
    pollMs,
    log,
  });
  const sessions = new Sessions(db, { agents, dataDir: options.dataDir, read, log });
  const sweepMs = options.sessionSweepMs ?? 30_000;
  const sweep = sweepMs > 0
    ? setInterval(() => {
      sessions.finishExpired().catch((e) => log.warn("session sweep failed", { error: errorMessage(e) }));
      pruneStatistics(db).catch((e) => log.warn("statistics pruning failed", { error: errorMessage(e) }));
    }, sweepMs)
    : undefined;
  return {
    name: "worker",
    statusTree: () => statusTree(db),
    service: (id) => serviceDetail(db, id),
    statusEvents: (q) => statusEvents(db, q ?? {}),
    counterSeries: (q) => counterSeries(db, q),
    counterKeys: (agentId) => counterKeys(db, agentId),
    agents: () => listAgents(db),
    logPools: () => listLogPools(db),
    requests: (q) => listRequests(db, agents, q),
    request: (pool, requestId) => requestDetail(db, agents, options.dataDir, pool, requestId, read),
    statistics: (q) => statistics(db, agents, q),
    live: (pool, onRequest) => hub.subscribe(pool, onRequest),
    sessions: () => sessions.list(),
    startSession: (input) => sessions.start(input),
    stopSession: (id) => sessions.stop(id),
    exportSession: (id) => exportSession(db, sessions, id),
    importSession: (body) => importSession(db, body),
    sessionRequests: (id, cursor, limit) => sessionRequests(db, sessions, id, cursor, limit),
    sessionRequest: (id, requestId) => sessionRequest(db, sessions, id, requestId),
    publish: (pool, row) => void hub.publish(pool, row),
    activeSessions: () => sessions.active(),
    liveStats: () => ({ ...hub.stats }),
    async stop() {
      if (sweep !== undefined) clearInterval(sweep);
      await hub.stop();
    },
  };
}
