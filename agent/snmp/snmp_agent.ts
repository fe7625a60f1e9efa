/**
 * The SNMP agent service: builds SONDE-MIB, serves it through a frontend (AgentX sub-agent or
 * standalone UDP agent) and refreshes it on a timer from the agent's status endpoint and, when a
 * store is given, the services' states. A failed refresh never stops it: the values go stale and
 * `sondeLastRefreshOk` / `sondeLastRefreshError` say so.
 * @module
 */
import type { Store } from "@sonde/shared/db";
import { errorMessage } from "@sonde/shared/errors";
import { createLogger, type Logger } from "@sonde/shared/log";
import type { Service } from "@sonde/shared/service";
import type { FrontendFactory, SnmpFrontend } from "./frontend.ts";
import { type Mib, netSnmp } from "./net_snmp.ts";
import { fetchAgentStatus, readServiceStates } from "./source.ts";
import { applySnapshot, initialValues, type Snapshot, sondeProviders } from "./sonde_mib.ts";

/** Options of {@linkcode startSnmpAgent}. */
export interface SnmpAgentOptions {
  frontend: FrontendFactory;
  /** The agent's local status document, e.g. `http://127.0.0.1:4101/status`. */
  statusUrl: string;
  /** Refresh interval (default 10 s). */
  refreshMs?: number;
  /** Timeout of one status read (default 3 s). */
  timeoutMs?: number;
  /** The Server's store, for the service table; without it the table stays empty. */
  store?: Store;
  log?: Logger;
}

/** A running SNMP agent. */
export interface SnmpAgent extends Service {
  /** The served MIB (for tests and tools). */
  readonly mib: Mib;
  readonly frontend: SnmpFrontend;
  /** Refreshes now and returns what was found. */
  refresh(): Promise<Snapshot>;
}

/** Starts serving SONDE-MIB and refreshing it. */
export async function startSnmpAgent(o: SnmpAgentOptions): Promise<SnmpAgent> {
  const log = o.log ?? createLogger("snmp");
  const refreshMs = o.refreshMs ?? 10_000;
  const timeoutMs = o.timeoutMs ?? 3000;
  const mib = netSnmp.createMib();
  const providers = sondeProviders();
  for (const p of providers) mib.registerProvider(p);
  initialValues(mib);
  let lastOkAt = 0;
  let failing = false;

  const refresh = async (): Promise<Snapshot> => {
    const snap: Snapshot = { lastOkAt };
    const errors: string[] = [];
    try {
      snap.status = await fetchAgentStatus(o.statusUrl, timeoutMs);
      lastOkAt = snap.lastOkAt = Date.now();
    } catch (e) {
      errors.push(errorMessage(e));
    }
    if (o.store) {
      try {
        snap.services = await readServiceStates(o.store.db);
      } catch (e) {
        errors.push(`Cannot read service states: ${errorMessage(e)}`);
      }
    }
    if (errors.length > 0) snap.error = errors.join("; ");
    try {
      applySnapshot(mib, snap);
    } catch (e) {
      snap.error = `Cannot update the MIB: ${errorMessage(e)}`;
      applySnapshot(mib, { lastOkAt, error: snap.error });
    }
    if (snap.error && !failing) log.warn("refresh failed, values are stale", { error: snap.error });
    if (!snap.error && failing) log.info("refresh works again");
    failing = snap.error !== undefined;
    return snap;
  };

  await refresh();
  const frontend = await o.frontend({ mib, providers, log });
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return; // a slow refresh is not stacked
    running = refresh().catch((e) => log.error("refresh crashed", { error: errorMessage(e) }))
      .finally(() => (running = undefined));
  }, refreshMs);
  log.info("started", { frontend: frontend.description, statusUrl: o.statusUrl, refreshMs });
  return {
    name: "snmp",
    mib,
    frontend,
    refresh,
    async stop() {
      clearInterval(timer);
      await running;
      await frontend.close();
    },
  };
}
