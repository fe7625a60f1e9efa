/**
 * The pull loop: every interval, every agent is asked for the records after its cursor, with bounded
 * concurrency over kept-alive mTLS connections; each page is stored with the cursor in one
 * transaction, then acknowledged. Unreachable agents back off (state "unreachable", one log line per
 * transition, not an error flood). Each agent also receives its configuration when its version is old.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "@sonde/shared/db";
import { errorMessage, SondeError } from "@sonde/shared/errors";
import type { Logger } from "@sonde/shared/log";
import type { AgentApi, AgentStatus } from "./agent_api.ts";
import type { Ingestor } from "../store/ingest.ts";
import { GroupCommitter } from "./group_commit.ts";
import type { Metrics } from "../metrics.ts";

/** Tuning of the pull loop. */
export interface PullOptions {
  intervalMs: number;
  /** Agents pulled at the same time. */
  concurrency: number;
  /** Byte budget of one page. */
  pageBytes: number;
  /** Pages per agent per cycle (a backlog drains over several cycles). */
  maxPagesPerCycle: number;
  /** Longest wait between attempts at an unreachable agent. */
  backoffMaxMs: number;
  /** The agent's status (version, buffer, drops) is read every this many cycles. */
  statusEvery: number;
}

/** Defaults of {@linkcode PullOptions}. */
export const DEFAULT_PULL: PullOptions = {
  intervalMs: 10_000,
  concurrency: 64,
  pageBytes: 4 << 20,
  maxPagesPerCycle: 16,
  backoffMaxMs: 30_000,
  statusEvery: 6,
};

/** The configuration an agent should run. */
export interface DesiredConfig {
  version: number;
  config: unknown;
}

/** What the scheduler needs. */
export interface PullDeps {
  db: Kysely<Database>;
  api: AgentApi;
  ingestor: Ingestor;
  log: Logger;
  metrics: Metrics;
  /** Configuration for one agent, or undefined when it has none yet. */
  configFor(agentId: number): Promise<DesiredConfig | undefined>;
  /** Raises the configuration version above `atLeast` (an agent ran a newer local one). */
  raiseVersion?: (atLeast: number) => Promise<void>;
  /** The configuration version agents should run; read once per cycle (default: ask `configFor`). */
  configVersion?: () => Promise<number>;
  /** Whether this server may pull now (the standby lease); default always. */
  active?: () => boolean;
  /** Called after each cycle (status re-evaluation). */
  afterCycle?: () => Promise<void>;
}

/** The outcome of one cycle. */
export interface CycleReport {
  agents: number;
  pulled: number;
  failed: number;
  records: number;
  samples: number;
  ms: number;
}

interface AgentRow {
  id: number;
  name: string;
  address: string;
  acked_seq: number;
  state: string;
  failures: number;
  config_version: number;
}

/** Runs a bounded number of tasks at once. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}

/** The pull scheduler. */
export class PullScheduler {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<CycleReport> | undefined;
  #stopped = false;
  #nextTry = new Map<number, number>();
  #cycles = new Map<number, number>();
  #group: GroupCommitter;
  /** The configuration version of the running cycle. */
  #version: number | undefined;
  readonly options: PullOptions;

  constructor(private readonly deps: PullDeps, options: Partial<PullOptions> = {}) {
    this.options = { ...DEFAULT_PULL, ...options };
    this.#group = new GroupCommitter(deps.ingestor);
  }

  /** Starts cycling. */
  start(): void {
    const tick = async () => {
      if (this.#stopped) return;
      const t0 = Date.now();
      try {
        if (this.deps.active?.() ?? true) await this.runCycle();
      } catch (e) {
        this.deps.log.error("pull cycle failed", { error: errorMessage(e) });
      }
      if (!this.#stopped) {
        this.#timer = setTimeout(tick, Math.max(0, this.options.intervalMs - (Date.now() - t0)));
      }
    };
    this.#timer = setTimeout(tick, 0);
  }

  /** Stops after the running cycle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => {});
  }

  /** Pulls every agent once. */
  runCycle(): Promise<CycleReport> {
    this.#running = this.#cycle();
    return this.#running;
  }

  async #cycle(): Promise<CycleReport> {
    const t0 = performance.now();
    const agents = await this.deps.db.selectFrom("agent")
      .select(["id", "name", "address", "acked_seq", "state", "failures", "config_version"])
      .where("state", "not in", ["disabled", "fingerprint_changed"]).execute() as AgentRow[];
    const report: CycleReport = {
      agents: agents.length,
      pulled: 0,
      failed: 0,
      records: 0,
      samples: 0,
      ms: 0,
    };
    try {
      this.#version = await this.deps.configVersion?.();
    } catch (e) {
      this.#version = undefined;
      this.deps.log.error("cannot read the configuration version", { error: errorMessage(e) });
    }
    const now = Date.now();
    const due = agents.filter((a) => (this.#nextTry.get(a.id) ?? 0) <= now);
    await eachLimited(due, this.options.concurrency, async (agent) => {
      if (this.#stopped) return;
      try {
        const r = await this.pullAgent(agent);
        report.pulled++;
        report.records += r.records;
        report.samples += r.samples;
      } catch (e) {
        report.failed++;
        await this.#failed(agent, e);
      }
    });
    report.ms = performance.now() - t0;
    const m = this.deps.metrics;
    m.set("sonde_pull_cycle_seconds", "Duration of the last pull cycle", report.ms / 1000);
    m.set("sonde_agents", "Agents known to the server", agents.length);
    m.set("sonde_store_groups_total", "Transactions that stored pulled pages", this.#group.stats.groups);
    m.set("sonde_store_pages_total", "Pulled pages stored", this.#group.stats.pages);
    m.set("sonde_store_seconds_total", "Time spent storing pulled pages", this.#group.stats.seconds);
    await this.deps.afterCycle?.().catch((e) =>
      this.deps.log.error("after-cycle step failed", { error: errorMessage(e) })
    );
    return report;
  }

  /**
   * Pulls one agent: pages of records (each stored with the cursor, then acknowledged), its status
   * every few cycles, and its configuration when the version it runs is old.
   */
  async pullAgent(agent: AgentRow): Promise<{ records: number; samples: number }> {
    const { api, db, metrics } = this.deps;
    let acked = agent.acked_seq;
    let records = 0;
    let samples = 0;
    let journalLast = acked;
    const okFields = { state: "ok", failures: 0, last_ok_at: new Date() } as const;
    for (let page = 0; page < this.options.maxPagesPerCycle; page++) {
      const got = await api.records(agent.address, acked, this.options.pageBytes);
      journalLast = got.journalLastSeq;
      if (journalLast < acked) {
        // the agent's journal was wiped (a new installation): start again from its beginning
        this.deps.log.warn("agent journal restarted below the stored cursor; resetting the cursor", {
          agent: agent.name,
          cursor: acked,
          agentLastSeq: journalLast,
        });
        await db.updateTable("agent").set({ acked_seq: 0 }).where("id", "=", agent.id).where(
          "acked_seq",
          "=",
          acked,
        ).execute();
        acked = 0;
        continue;
      }
      if (got.records.length === 0) break;
      const stored = await this.#group.submit({
        agentId: agent.id,
        fromSeq: acked,
        records: got.records,
        agentFields: { ...okFields, agent_last_seq: journalLast },
      });
      acked = stored.ackedSeq;
      records += stored.records;
      samples += stored.samples;
      metrics.inc("sonde_records_stored_total", "Journal records stored", stored.records);
      metrics.inc("sonde_samples_stored_total", "Counter samples stored", stored.samples);
      metrics.inc("sonde_check_results_stored_total", "Check results stored", stored.checks);
      metrics.inc("sonde_events_stored_total", "Telemetry events stored", stored.events);
      if (stored.rejectedEvents > 0) {
        metrics.inc(
          "sonde_events_rejected_total",
          "Telemetry events outside the accepted time window",
          stored.rejectedEvents,
        );
      }
      if (stored.rejected > 0) {
        metrics.inc("sonde_records_rejected_total", "Records that could not be decoded", stored.rejected);
      }
      if (acked >= journalLast) break;
    }
    // every page request acknowledges what was stored before it (`ack=1`), so the last page of this
    // cycle is acknowledged by the first request of the next one: one request per agent per cycle
    const cycle = (this.#cycles.get(agent.id) ?? 0) + 1;
    this.#cycles.set(agent.id, cycle);
    const fields: Record<string, unknown> = records === 0 || agent.state !== "ok"
      ? { ...okFields, last_error: null, agent_last_seq: journalLast }
      : {};
    if (agent.state !== "ok" || cycle % this.options.statusEvery === 1) {
      const status: AgentStatus = await api.status(agent.address);
      Object.assign(fields, {
        hostname: status.hostname ?? null,
        version: status.version ?? null,
        buffer_bytes: status.buffer?.bytes ?? 0,
        oldest_age_s: acked >= journalLast ? 0 : status.buffer?.oldestAgeS ?? 0,
        dropped_records: status.drops?.records ?? 0,
        config_version: status.configVersion ?? 0,
      });
      agent.config_version = status.configVersion ?? 0;
    }
    if (this.#version === undefined || this.#version !== agent.config_version) {
      const desired = await this.deps.configFor(agent.id);
      if (desired && desired.version !== agent.config_version) {
        const offered = await api.pushConfig(agent.address, desired.version, desired.config);
        fields.config_version = offered.version;
        if (!offered.applied && offered.version > desired.version) {
          // the agent runs a newer local configuration: move past it so the server's wins next cycle
          this.deps.log.warn("agent runs a newer configuration version; raising the server's", {
            agent: agent.name,
            agentVersion: offered.version,
            serverVersion: desired.version,
          });
          await this.deps.raiseVersion?.(offered.version);
        }
      }
    }
    if (agent.state !== "ok") {
      this.deps.log.info("agent reachable", { agent: agent.name, address: agent.address });
    }
    this.#nextTry.delete(agent.id);
    if (Object.keys(fields).length > 0) {
      await db.updateTable("agent").set(fields).where("id", "=", agent.id).execute();
    }
    metrics.set(
      "sonde_pull_lag_records",
      "Records buffered on the agent and not yet stored",
      Math.max(0, journalLast - acked),
      {
        agent: agent.name,
      },
    );
    return { records, samples };
  }

  async #failed(agent: AgentRow, e: unknown): Promise<void> {
    const message = errorMessage(e);
    const untrusted = e instanceof SondeError && e.code === "untrusted_peer";
    const failures = agent.failures + 1;
    const wait = Math.min(
      this.options.backoffMaxMs,
      this.options.intervalMs * 2 ** Math.min(failures - 1, 10),
    );
    this.#nextTry.set(agent.id, Date.now() + wait);
    this.deps.metrics.inc("sonde_pull_errors_total", "Failed pulls", 1, { agent: agent.name });
    if (agent.state !== "unreachable" && !untrusted) {
      this.deps.log.warn("agent unreachable", {
        agent: agent.name,
        address: agent.address,
        error: message,
        retryInMs: wait,
      });
    }
    await this.deps.db.updateTable("agent")
      .set({ state: "unreachable", failures, last_error: message })
      .where("id", "=", agent.id).where("state", "!=", "fingerprint_changed").execute()
      .catch((err) =>
        this.deps.log.error("cannot record agent failure", { agent: agent.name, error: errorMessage(err) })
      );
  }
}
