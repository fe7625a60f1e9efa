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
  RequestDetail,
  RequestPage,
  RequestQuery,
  RequestRow,
  ServiceDetail,
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
import { validateConfigObject } from "./dev_validate.ts";

const KEYS: CounterKey[] = [
  { key: "cpu.busy_pct", unit: "%" },
  { key: "mem.used_pct", unit: "%" },
  { key: "load.1m", unit: "" },
  { key: "net.eth0.rx_bytes_per_s", unit: "B/s" },
  { key: "fs./.free_pct", unit: "%" },
];

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
    const iso = (ago: number) => new Date(Date.now() - ago).toISOString();
    const fp = (s: number) =>
      Array.from(
        { length: 32 },
        (_, i) => ((i * 37 + s * 11) % 256).toString(16).padStart(2, "0").toUpperCase(),
      ).join(":");
    this.agentList = [
      {
        id: 1,
        name: "web-01",
        address: "10.0.0.11:4100",
        state: "ok",
        lastPullAt: iso(4000),
        lagRecords: 12,
        lagSeconds: 4,
        version: "0.1.0",
        fingerprint: fp(1),
        configVersion: 7,
      },
      {
        id: 2,
        name: "web-02",
        address: "10.0.0.12:4100",
        state: "unreachable",
        lastPullAt: iso(1_380_000),
        lagRecords: 48_213,
        lagSeconds: 1380,
        version: "0.1.0",
        fingerprint: fp(2),
        configVersion: 6,
      },
      {
        id: 3,
        name: "db-01",
        address: "10.0.0.21:4100",
        state: "fingerprint_changed",
        lastPullAt: iso(600_000),
        lagRecords: 2_190,
        lagSeconds: 600,
        version: "0.1.0",
        fingerprint: fp(3),
        pendingFingerprint: fp(9),
        configVersion: 7,
      },
      {
        id: 4,
        name: "app-01",
        address: "10.0.0.31:4100",
        state: "ok",
        lastPullAt: iso(2000),
        lagRecords: 0,
        lagSeconds: 0,
        version: "0.0.9",
        fingerprint: fp(4),
        configVersion: 7,
      },
    ];
    this.config = {
      agents: this.agentList.map((a) => ({ id: a.id, name: a.name, address: a.address })),
      groups: this.groups.map((g) => ({ ...g })),
      services: this.services.slice(0, 200).map((s) => ({
        id: s.id,
        name: s.name,
        groupId: s.groupId,
        agentId: s.agentId,
        checks: this.#checks(s).map((c) => ({
          id: c.id,
          name: c.name,
          type: c.type,
          intervalMs: c.intervalMs,
          timeoutMs: 10_000,
          enabled: true,
          params: c.params,
        })),
      })),
      logPools: [{
        id: 1,
        name: "shop",
        applications: ["shop"],
        levelThreshold: 50,
        retentionDays: 14,
        columns: [{ name: "url", parameter: "url", type: "string" }, {
          name: "user",
          parameter: "user",
          type: "string",
        }, { name: "httpStatus", parameter: "httpStatus", type: "int32" }],
      }],
      settings: {
        name: "Sonde (development)",
        url: "http://127.0.0.1:8080",
        timeZone: "Europe/Vienna",
        retentionDays: { counters: 30, requests: 14, telemetry: 7 },
      },
    };
  }

  #add(startUs: number): RequestRow {
    const d = buildRequest(this.#seed++, startUs);
    this.rows.push(d.row);
    this.details.set(d.row.requestId, d);
    if (this.rows.length > 5000) this.details.delete(this.rows.shift()!.requestId);
    return d.row;
  }

  #checks(s: DevService) {
    const at = new Date(Date.now() - 20_000).toISOString();
    return [
      {
        id: s.id * 10 + 1,
        name: "CPU busy",
        type: "counter",
        counterKey: "cpu.busy_pct",
        warn: "80",
        crit: "95",
        state: s.state === "WARNING" ? "WARNING" as const : "OK" as const,
        message: s.state === "WARNING" ? s.cause! : "cpu.busy_pct 41.0 %",
        lastRunAt: at,
        intervalMs: 30_000,
        params: { key: "cpu.busy_pct", warn: "80", crit: "95" },
      },
      {
        id: s.id * 10 + 2,
        name: "Memory used",
        type: "counter",
        counterKey: "mem.used_pct",
        warn: "85",
        crit: "95",
        state: "OK" as const,
        message: "mem.used_pct 62.4 %",
        lastRunAt: at,
        intervalMs: 30_000,
        params: { key: "mem.used_pct", warn: "85", crit: "95" },
      },
      {
        id: s.id * 10 + 3,
        name: "HTTP health",
        type: "http",
        state: s.state === "CRITICAL"
          ? "CRITICAL" as const
          : s.state === "UNKNOWN"
          ? "UNKNOWN" as const
          : "OK" as const,
        message: s.state === "CRITICAL" ? s.cause! : s.state === "UNKNOWN" ? s.cause! : "200 OK in 84 ms",
        lastRunAt: at,
        intervalMs: 60_000,
        params: { url: "https://shop.example.com/health", keyword: "ok" },
      },
    ];
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
      checks: this.#checks(s),
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
      const obj = validateConfigObject(kind, body);
      if (kind === "settings") {
        this.config.settings = obj as unknown as ConfigDocument["settings"];
        return Promise.resolve(obj);
      }
      const list = kind === "check"
        ? this.config.services.flatMap((s) => s.checks as Record<string, unknown>[])
        : this.config[`${kind === "logPool" ? "logPool" : kind}s` as "agents"];
      if (id === null) {
        const stored = { ...obj, id: 1000 + Math.floor(Math.random() * 1e6) };
        if (kind === "check") {
          const svc = this.config.services.find((s) => s.id === obj.serviceId);
          if (!svc) throw new ValidationError(`serviceId: no service ${obj.serviceId}`);
          (svc.checks as Record<string, unknown>[]).push(stored);
        } else list.push(stored);
        return Promise.resolve(stored);
      }
      const current = list.find((x) => x.id === id);
      if (!current) throw new NotFoundError(`Cannot replace ${kind} ${id}: no such ${kind}`);
      for (const k of Object.keys(current)) if (k !== "id") delete current[k];
      Object.assign(current, obj, { id });
      this.#tree = undefined;
      return Promise.resolve(current);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  deleteConfigObject(kind: ConfigKind, id: number): Promise<void> {
    if (kind === "settings") return Promise.reject(new ValidationError("kind: settings cannot be deleted"));
    if (kind === "check") {
      for (const s of this.config.services) {
        s.checks = (s.checks as { id: number }[]).filter((c) => c.id !== id);
      }
      return Promise.resolve();
    }
    const key = `${kind}s` as "agents";
    const before = this.config[key].length;
    this.config[key] = this.config[key].filter((x) => x.id !== id);
    if (before === this.config[key].length) {
      return Promise.reject(new NotFoundError(`Cannot delete ${kind} ${id}: no such ${kind}`));
    }
    return Promise.resolve();
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
    const text = q.q?.toLowerCase();
    let rows = this.rows.filter((r) =>
      r.startTs >= q.from * 1000 && r.startTs <= q.to * 1000 && (!q.status || r.status === q.status) &&
      (!q.minDurationUs || r.durationUs >= q.minDurationUs) && (!q.app || r.applications.some((a) =>
        a.includes(q.app!)
      )) &&
      (!q.agent || r.agents.includes(q.agent)) &&
      (!q.columns || Object.entries(q.columns).every(([k, v]) => String(r.columns[k]) === v)) &&
      (!text || this.details.get(r.requestId)!.events.some((e) =>
        e.text.toLowerCase().includes(text) || (e.params ?? []).some((p) =>
          String(p.value).toLowerCase().includes(text)
        )
      ))
    );
    const sort = q.sort ?? "-start";
    const key = sort.endsWith("duration") ? "durationUs" : "startTs";
    rows = rows.sort((a, b) => (sort.startsWith("-") ? b[key] - a[key] : a[key] - b[key]));
    const offset = q.cursor ? Number(q.cursor) || 0 : 0;
    const page = rows.slice(offset, offset + q.limit);
    return Promise.resolve({
      rows: page,
      nextCursor: offset + q.limit < rows.length ? String(offset + q.limit) : undefined,
    });
  }

  request(_pool: number, requestId: string): Promise<RequestDetail> {
    const d = this.details.get(requestId);
    return d ? Promise.resolve(d) : Promise.reject(new NotFoundError(`Cannot find request ${requestId}`));
  }

  statistics(q: StatisticsQuery): Promise<Statistics> {
    const buckets = new Map<number, number[]>();
    const errors = new Map<number, number>();
    for (const r of this.rows) {
      const ms = r.startTs / 1000;
      if (ms < q.from || ms > q.to) continue;
      const b = Math.floor(ms / q.bucketMs) * q.bucketMs;
      (buckets.get(b) ?? buckets.set(b, []).get(b)!).push(r.durationUs);
      if (r.status === "error") errors.set(b, (errors.get(b) ?? 0) + 1);
    }
    const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;
    const out = [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([ts, xs]) => {
      xs.sort((a, b) => a - b);
      return {
        ts,
        count: xs.length,
        errorRate: (errors.get(ts) ?? 0) / xs.length,
        p50Us: pct(xs, 0.5),
        p95Us: pct(xs, 0.95),
        p99Us: pct(xs, 0.99),
      };
    });
    const inRange = this.rows.filter((r) => r.startTs / 1000 >= q.from && r.startTs / 1000 <= q.to);
    const byUrl = new Map<string, RequestRow[]>();
    for (const r of inRange) {
      (byUrl.get(String(r.columns.url)) ?? byUrl.set(String(r.columns.url), []).get(String(r.columns.url))!)
        .push(r);
    }
    const groups = [...byUrl.entries()].map(([key, rs]) => {
      const ds = rs.map((r) => r.durationUs).sort((a, b) => a - b);
      return {
        key,
        count: rs.length,
        errorRate: rs.filter((r) => r.status === "error").length / rs.length,
        p95Us: pct(ds, 0.95),
      };
    }).sort((a, b) => b.count - a.count);
    const topSlow = [...inRange].sort((a, b) => b.durationUs - a.durationUs).slice(0, 10);
    return Promise.resolve({ buckets: out, topSlow, groups });
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

  browserTelemetry(body: unknown): Promise<{ accepted: number }> {
    const events = (body as { events?: unknown })?.events;
    if (!Array.isArray(events)) return Promise.reject(new ValidationError("events: must be an array"));
    this.telemetryAccepted += events.length;
    return Promise.resolve({ accepted: events.length });
  }
}
