/**
 * DEVELOPMENT FIXTURE: an in-memory {@linkcode Backend} with plausible data, used by the client's
 * unit and browser tests, the benchmark and `deno task web -- --dev` until the Server and Worker are
 * wired. Nothing here is production code.
 * @module
 */
import { NotFoundError, ValidationError } from "@sonde/shared/errors";
import type {
  AgentInfo,
  Backend,
  ConfigDocument,
  ConfigKind,
  CounterKey,
  CounterSeries,
  CounterSeriesQuery,
  LogPoolInfo,
  RecordingSession,
  RequestDetail,
  RequestPage,
  RequestQuery,
  RequestRow,
  ServiceDetail,
  StartSessionInput,
  Statistics,
  StatisticsQuery,
  StatusEvent,
  StatusEventQuery,
  StatusTree,
} from "./backend.ts";
import {
  buildInventory,
  buildRequest,
  buildTree,
  counterValue,
  type DevGroup,
  type DevService,
} from "./dev_data.ts";
import { DevRecordings } from "./dev_recordings.ts";
import { deleteConfig, devAgents, devChecks, devConfig, putConfig } from "./dev_config.ts";
import { requestStatistics, searchRequests } from "./dev_queries.ts";

const KEYS: CounterKey[] = [
  { key: "cpu.busy_pct", unit: "%" },
  { key: "mem.used_pct", unit: "%" },
  { key: "load.1m", unit: "" },
  { key: "net.eth0.rx_bytes_per_s", unit: "B/s" },
  { key: "fs./.free_pct", unit: "%" },
];

/** Runs `fn`, turning a throw into a rejected promise. */
function attempt<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Options of {@linkcode DevBackend}. */
export interface DevBackendOptions {
  /** Number of services (default 12). */
  services?: number;
  /** Requests kept per pool (default 1500). */
  requests?: number;
  /** Period of live requests (default 700 ms); 0 disables. */
  liveEveryMs?: number;
}

/** In-memory development backend. */
export class DevBackend implements Backend {
  groups: DevGroup[];
  services: DevService[];
  readonly rows: RequestRow[] = [];
  readonly details = new Map<string, RequestDetail>();
  readonly agentList: AgentInfo[];
  config: ConfigDocument;
  telemetryAccepted = 0;
  readonly recordings: DevRecordings = new DevRecordings(this.rows, this.details);
  #tree?: StatusTree;
  #listeners = new Set<(row: RequestRow) => void>();
  #timer?: ReturnType<typeof setInterval>;
  #seed = 1;
  readonly #liveEveryMs: number;

  constructor(opts: DevBackendOptions = {}) {
    ({ groups: this.groups, services: this.services } = buildInventory(opts.services ?? 12));
    this.#liveEveryMs = opts.liveEveryMs ?? 700;
    const now = Date.now() * 1000;
    const n = opts.requests ?? 1500;
    for (let i = 0; i < n; i++) this.#add(now - Math.floor(((n - i) / n) * 3_600_000_000));
    this.agentList = devAgents();
    this.config = devConfig(this.groups, this.services, this.agentList);
  }

  #add(startUs: number): RequestRow {
    const d = buildRequest(this.#seed++, startUs);
    this.rows.push(d.row);
    this.details.set(d.row.requestId, d);
    if (this.rows.length > 5000) this.details.delete(this.rows.shift()!.requestId);
    return d.row;
  }

  statusTree(): Promise<StatusTree> {
    this.#tree ??= { generatedAt: new Date().toISOString(), root: buildTree(this.groups, this.services) };
    return Promise.resolve(this.#tree);
  }

  service(id: number): Promise<ServiceDetail> {
    const s = this.services.find((x) => x.id === id);
    if (!s) return Promise.reject(new NotFoundError(`Cannot find service ${id}`));
    const agent = this.agentList[s.agentId - 1]!;
    const events: StatusEvent[] = [
      {
        ts: s.since,
        objectId: `s:${id}`,
        objectName: s.name,
        old: "OK",
        new: s.state,
        cause: s.cause ?? "recovered",
      },
      {
        ts: new Date(Date.parse(s.since) - 7_200_000).toISOString(),
        objectId: `s:${id}`,
        objectName: s.name,
        old: "WARNING",
        new: "OK",
        cause: "recovered",
      },
      {
        ts: new Date(Date.parse(s.since) - 9_000_000).toISOString(),
        objectId: `s:${id}`,
        objectName: s.name,
        old: "OK",
        new: "WARNING",
        cause: "cpu.busy_pct 83.1 % is above warning 80",
      },
    ];
    return Promise.resolve({
      id,
      name: s.name,
      agentId: s.agentId,
      agentName: agent.name,
      state: s.state,
      since: s.since,
      cause: s.cause,
      checks: devChecks(s),
      events,
    });
  }

  async statusEvents(q: StatusEventQuery): Promise<StatusEvent[]> {
    const all = (await Promise.all(this.services.slice(0, 12).map((s) => this.service(s.id)))).flatMap((d) =>
      d.events
    );
    return all.filter((e) =>
      (!q.objectId || e.objectId === q.objectId) && (!q.from || Date.parse(e.ts) >= q.from) &&
      (!q.to || Date.parse(e.ts) <= q.to)
    )
      .sort((a, b) => b.ts.localeCompare(a.ts)).slice(0, q.limit ?? 200);
  }

  counterSeries(q: CounterSeriesQuery): Promise<CounterSeries> {
    const span = q.to - q.from;
    const resolution = span > 7 * 86_400_000 ? "1h" : span > 6 * 3_600_000 ? "1m" : "raw";
    const step = Math.max(10_000, Math.ceil(span / 400 / 10_000) * 10_000);
    const points: [number, number][] = [];
    for (let t = Math.ceil(q.from / step) * step; t <= q.to; t += step) {
      points.push([t, counterValue(q.agentId, q.key, t)]);
    }
    return Promise.resolve({
      agentId: q.agentId,
      key: q.key,
      unit: KEYS.find((k) => k.key === q.key)?.unit ?? "",
      resolution,
      points,
    });
  }

  counterKeys(_agentId: number): Promise<CounterKey[]> {
    return Promise.resolve(KEYS);
  }

  agents(): Promise<AgentInfo[]> {
    return Promise.resolve(this.agentList);
  }

  acceptAgentFingerprint(agentId: number): Promise<void> {
    const a = this.agentList.find((x) => x.id === agentId);
    if (!a) {
      return Promise.reject(
        new NotFoundError(`Cannot accept fingerprint of agent ${agentId}: no such agent`),
      );
    }
    if (a.pendingFingerprint) {
      Object.assign(a, { fingerprint: a.pendingFingerprint, pendingFingerprint: undefined, state: "ok" });
    }
    return Promise.resolve();
  }

  getConfig(): Promise<ConfigDocument> {
    return Promise.resolve(this.config);
  }

  putConfigObject(kind: ConfigKind, id: number | null, body: unknown): Promise<unknown> {
    try {
      const stored = putConfig(this.config, kind, id, body);
      this.#tree = undefined;
      return Promise.resolve(stored);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  deleteConfigObject(kind: ConfigKind, id: number): Promise<void> {
    try {
      deleteConfig(this.config, kind, id);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  importConfig(doc: unknown): Promise<void> {
    const d = doc as ConfigDocument;
    if (typeof d !== "object" || d === null || !Array.isArray(d.services)) {
      return Promise.reject(new ValidationError("services: must be an array"));
    }
    this.config = d;
    return Promise.resolve();
  }

  logPools(): Promise<LogPoolInfo[]> {
    return Promise.resolve(this.config.logPools as unknown as LogPoolInfo[]);
  }

  requests(q: RequestQuery): Promise<RequestPage> {
    return Promise.resolve(searchRequests(this.rows, this.details, q));
  }

  request(_pool: number, requestId: string): Promise<RequestDetail> {
    const d = this.details.get(requestId);
    return d ? Promise.resolve(d) : Promise.reject(new NotFoundError(`Cannot find request ${requestId}`));
  }

  statistics(q: StatisticsQuery): Promise<Statistics> {
    return Promise.resolve(requestStatistics(this.rows, q));
  }

  live(_pool: number | null, onRequest: (row: RequestRow) => void): () => void {
    this.#listeners.add(onRequest);
    if (!this.#timer && this.#liveEveryMs > 0) {
      this.#timer = setInterval(() => {
        const row = this.#add(Date.now() * 1000);
        for (const l of this.#listeners) l(row);
      }, this.#liveEveryMs);
    }
    return () => {
      this.#listeners.delete(onRequest);
      if (this.#listeners.size === 0 && this.#timer) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    };
  }

  sessions(): Promise<RecordingSession[]> {
    return Promise.resolve(this.recordings.list());
  }

  startSession(input: StartSessionInput): Promise<RecordingSession> {
    return Promise.resolve(this.recordings.start(input));
  }

  stopSession(id: string): Promise<RecordingSession> {
    return attempt(() => this.recordings.stop(id));
  }

  exportSession(id: string): Promise<string> {
    return attempt(() => this.recordings.export(id));
  }

  importSession(body: string): Promise<RecordingSession> {
    return attempt(() => this.recordings.import(body));
  }

  sessionRequests(id: string, cursor?: string, limit?: number): Promise<RequestPage> {
    return attempt(() => this.recordings.requests(id, cursor, limit));
  }

  sessionRequest(id: string, requestId: string): Promise<RequestDetail> {
    return attempt(() => this.recordings.request(id, requestId));
  }

  browserTelemetry(body: unknown): Promise<{ accepted: number }> {
    const events = (body as { events?: unknown })?.events;
    if (!Array.isArray(events)) return Promise.reject(new ValidationError("events: must be an array"));
    this.telemetryAccepted += events.length;
    return Promise.resolve({ accepted: events.length });
  }
}
