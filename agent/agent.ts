/**
 * The agent, wired: journal ← collection (counters and checks) and telemetry intake; pull endpoint
 * over mTLS (trust on first use of the first server); local status on 127.0.0.1. The all-in-one
 * `main.ts` starts one in-process with {@linkcode startAgent}.
 *
 * @example
 * ```ts
 * const agent = await startAgent({ etc: "./data/etc", data: "./data", listen: { hostname: "127.0.0.1", port: 4100 } });
 * agent.pullPort; agent.journal.stats();
 * await agent.stop();
 * ```
 * @module
 */
import { errorMessage } from "@sonde/shared/errors";
import { createLogger } from "@sonde/shared/log";
import { firstUseTrustPolicy, serveMtls } from "@sonde/shared/mtls";
import type { Service } from "@sonde/shared/service";
import { ensureServiceIdentity } from "@sonde/shared/trust";
import type { AgentConfig } from "@sonde/shared/wire/agent_config";
import { RecordKind } from "@sonde/shared/wire/types";
import { Journal, type JournalOptions } from "./buffer/journal.ts";
import { type CollectionOptions, startCollection } from "./collect/scheduler.ts";
import { ConfigStore } from "./serve/config_store.ts";
import { createPullApp } from "./serve/pull_app.ts";
import type { StatusSource } from "./serve/status.ts";
import { serveStatus } from "./serve/status_server.ts";

/** Options of {@linkcode startAgent}. */
export interface AgentOptions {
  /** Certificate folder; the agent's files are in `<etc>/agent/`. */
  etc: string;
  /** Data folder; the agent keeps `<data>/agent/journal/` and `<data>/agent/config.json`. */
  data: string;
  /** Pull endpoint address (port 0 picks one). */
  listen: { hostname: string; port: number };
  /** Local status address; `null` disables it. Default 127.0.0.1:4101. */
  statusListen?: { hostname: string; port: number } | null;
  /** Configuration to use until a server pushes a newer version. */
  localConfig?: AgentConfig;
  journal?: JournalOptions;
  /**
   * Starts the telemetry intake writing into the journal; `config.current.telemetry` holds the levels
   * and recording sessions the server asked for (`config.onChange` tells when they change).
   */
  intake?: (journal: Journal, config: ConfigStore) => Service | Promise<Service>;
  collection?: CollectionOptions;
  /** Host name reported in the status. Default: the system's. */
  hostname?: string;
}

/** A running agent. */
export interface Agent extends Service {
  readonly pullPort: number;
  /** 0 when the status endpoint is disabled. */
  readonly statusPort: number;
  readonly journal: Journal;
  readonly config: ConfigStore;
}

function systemHostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "localhost";
  }
}

/** Starts an agent; on failure everything already started is stopped again. */
export async function startAgent(opts: AgentOptions): Promise<Agent> {
  const log = createLogger("agent");
  const services: Service[] = [];
  const stopAll = async () => {
    for (const s of services.splice(0).reverse()) {
      await s.stop().catch((e) => log.error("stop failed", { service: s.name, error: errorMessage(e) }));
    }
  };
  try {
    const identity = await ensureServiceIdentity(opts.etc, "agent", log.child("trust"));
    const enc = new TextEncoder();
    const journal: Journal = Journal.open(`${opts.data}/agent/journal`, {
      log: log.child("buffer"),
      // tell the server in-band: a notice record naming the seq range that was lost
      onDrop: (drop) =>
        append(RecordKind.Notice, { ts: Date.now(), type: "dropped", detail: { ...drop } }, Date.now()),
      ...opts.journal,
    });
    services.push({ name: "agent/journal", stop: async () => journal.close() });
    const append = (kind: number, value: unknown, ts: number) =>
      journal.append(kind, enc.encode(JSON.stringify(value)), ts);
    const config = ConfigStore.load(`${opts.data}/agent/config.json`, opts.localConfig, log.child("config"));
    append(RecordKind.Notice, {
      ts: Date.now(),
      type: "started",
      detail: { configVersion: config.current.version },
    }, Date.now());

    const collection = startCollection(config.current, {
      samples: (batch) => append(RecordKind.Samples, batch, batch.ts),
      check: (result) => append(RecordKind.Check, result, result.ts),
    }, opts.collection);
    services.push({ name: "agent/collect", stop: () => collection.stop() });
    config.onChange((next) => {
      try {
        collection.apply(next);
        append(RecordKind.Notice, {
          ts: Date.now(),
          type: "config_applied",
          detail: { version: next.version },
        }, Date.now());
      } catch (e) {
        log.error("cannot apply configuration", { version: next.version, error: errorMessage(e) });
      }
    });

    const status: StatusSource = {
      hostname: opts.hostname ?? systemHostname(),
      startedAt: Date.now(),
      journal,
      configVersion: () => config.current.version,
    };
    const app = createPullApp({ journal, config, status, log: log.child("serve") });
    const trust = firstUseTrustPolicy(identity.trustFile, log.child("trust"));
    const pull = await serveMtls(app, { listen: opts.listen, identity, trust, name: "agent" });
    services.push(pull);
    const statusListen = opts.statusListen === undefined
      ? { hostname: "127.0.0.1", port: 4101 }
      : opts.statusListen;
    const statusServer = statusListen ? serveStatus(statusListen, status, log.child("status")) : undefined;
    if (statusServer) services.push(statusServer);
    if (opts.intake) services.push(await opts.intake(journal, config));
    log.info("agent started", {
      pid: Deno.pid,
      pullPort: pull.port,
      statusPort: statusServer?.port ?? 0,
      configVersion: config.current.version,
      lastSeq: journal.lastSeq,
    });
    return {
      name: "agent",
      pullPort: pull.port,
      statusPort: statusServer?.port ?? 0,
      journal,
      config,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
