/**
 * Development fixture data for {@linkcode DevBackend}: a deterministic status tree, counters and
 * requests. Not used in production.
 * @module
 */
import type { RequestDetail, RequestEvent, RequestRow, SpanNode, State, StatusNode } from "./backend.ts";

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fixture service: where it sits and what it checks. */
export interface DevService {
  id: number;
  name: string;
  groupId: number;
  agentId: number;
  state: State;
  since: string;
  cause?: string;
}

/** A fixture group. */
export interface DevGroup {
  id: number;
  name: string;
  parentId: number | null;
}

const HOSTS = ["web-01", "web-02", "db-01", "app-01"];
const CAUSES: Record<State, string> = {
  OK: "all checks OK",
  WARNING: "cpu.busy_pct 86.2 % is above warning 80",
  CRITICAL: "HTTP check https://shop.example.com/health: 503 Service Unavailable",
  UNKNOWN: "no result for 3 intervals",
};

/** Builds groups and services: a readable default tree, or `count` services for benchmarks. */
export function buildInventory(count: number): { groups: DevGroup[]; services: DevService[] } {
  const rnd = prng(7);
  const now = Date.now();
  const groups: DevGroup[] = [
    { id: 1, name: "Production", parentId: null },
    { id: 2, name: "Web tier", parentId: 1 },
    { id: 3, name: "Databases", parentId: 1 },
    { id: 4, name: "shop 1", parentId: null },
    { id: 5, name: "frontend", parentId: 4 },
    { id: 6, name: "backend", parentId: 4 },
    { id: 7, name: "Infrastructure", parentId: null },
  ];
  const names = [
    "nginx",
    "HTTPS shop.example.com",
    "PostgreSQL primary",
    "PostgreSQL replica",
    "fe-1",
    "fe-2",
    "be-1",
    "Disk /var",
    "CPU web-01",
    "Memory db-01",
    "NTP",
    "DNS resolver",
  ];
  const groupOf = [2, 2, 3, 3, 5, 5, 6, 7, 7, 7, 7, 7];
  if (count > 200) {
    for (let g = 0; g < Math.ceil(count / 50); g++) {
      groups.push({ id: 100 + g, name: `Cluster ${g + 1}`, parentId: g % 2 ? 1 : 7 });
    }
  }
  const services: DevService[] = [];
  for (let i = 0; i < count; i++) {
    const r = rnd();
    const state: State = i === 1
      ? "CRITICAL"
      : i === 8
      ? "WARNING"
      : i === 11
      ? "UNKNOWN"
      : r < 0.9 || i < 12
      ? "OK"
      : r < 0.96
      ? "WARNING"
      : r < 0.99
      ? "CRITICAL"
      : "UNKNOWN";
    services.push({
      id: i + 1,
      name: i < names.length ? names[i]! : `svc-${String(i + 1).padStart(5, "0")}`,
      groupId: i < names.length ? groupOf[i]! : count > 200 ? 100 + Math.floor(i / 50) : 7,
      agentId: (i % HOSTS.length) + 1,
      state,
      since: new Date(now - Math.floor(rnd() * 86_400_000 * 3)).toISOString(),
      cause: state === "OK" ? undefined : CAUSES[state],
    });
  }
  return { groups, services };
}

const RANK: Record<State, number> = { OK: 0, UNKNOWN: 1, WARNING: 2, CRITICAL: 3 };

/** Rolls the inventory up into a status tree (worst child wins). */
export function buildTree(groups: DevGroup[], services: DevService[]): StatusNode {
  const byParent = new Map<number | null, StatusNode[]>();
  for (const s of services) {
    const node: StatusNode = {
      id: `s:${s.id}`,
      kind: "service",
      name: s.name,
      state: s.state,
      since: s.since,
      cause: s.cause,
      counts: { OK: 0, WARNING: 0, CRITICAL: 0, UNKNOWN: 0, [s.state]: 1 },
    };
    const list = byParent.get(s.groupId) ?? [];
    list.push(node);
    byParent.set(s.groupId, list);
  }
  const build = (g: DevGroup | null): StatusNode => {
    const kids = [
      ...groups.filter((x) => x.parentId === (g?.id ?? null)).map(build),
      ...(g ? byParent.get(g.id) ?? [] : []),
    ];
    const counts = { OK: 0, WARNING: 0, CRITICAL: 0, UNKNOWN: 0 };
    let worst: StatusNode | undefined;
    for (const k of kids) {
      for (const st of Object.keys(counts) as State[]) counts[st] += k.counts[st];
      if (!worst || RANK[k.state] > RANK[worst.state]) worst = k;
    }
    const since = kids.reduce((m, k) => (k.since > m ? k.since : m), "1970-01-01T00:00:00.000Z");
    return {
      id: g ? `g:${g.id}` : "g:0",
      kind: "group",
      name: g?.name ?? "All services",
      state: worst?.state ?? "OK",
      since,
      cause: worst && worst.state !== "OK" ? `${worst.name}: ${worst.cause ?? worst.state}` : undefined,
      counts,
      children: kids,
    };
  };
  return build(null);
}

/** A plausible counter value at `ts` for `key`. */
export function counterValue(agentId: number, key: string, ts: number): number {
  const phase = agentId * 1.7 + key.length;
  const base = key.includes("pct") ? 45 : key.includes("load") ? 1.2 : 300;
  const wave = Math.sin(ts / 600_000 + phase) * base * 0.35 + Math.sin(ts / 47_000 + phase) * base * 0.1;
  return Math.max(
    0,
    +(base + wave + (prng(Math.floor(ts / 1000) ^ agentId)() - 0.5) * base * 0.1).toFixed(2),
  );
}

const APPS = [
  { app: "shop", tier: "frontend", module: "http", pid: 4100 },
  { app: "shop", tier: "backend", module: "orders", pid: 5200 },
  { app: "shop", tier: "db-proxy", module: "sql", pid: 6300 },
];
const URLS = ["/", "/cart", "/checkout", "/search?q=boots", "/product/1234", "/api/orders", "/login"];

function hex(rnd: () => number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += Math.floor(rnd() * 16).toString(16);
  return s;
}

/** A request row and its full detail, generated from `seed` at `startUs`. */
export function buildRequest(seed: number, startUs: number): RequestDetail {
  const rnd = prng(seed);
  const requestId = hex(rnd, 32);
  const url = URLS[Math.floor(rnd() * URLS.length)]!;
  const slow = rnd() < 0.08;
  const error = rnd() < 0.04;
  const warning = !error && rnd() < 0.06;
  const events: RequestEvent[] = [];
  const spans: SpanNode[] = [];
  const span = (depth: number, startAt: number, budget: number, parent?: string): SpanNode => {
    const a = APPS[Math.min(depth, APPS.length - 1)]!;
    const s: SpanNode = {
      spanId: hex(rnd, 16),
      parentSpanId: parent,
      app: `${a.app}/${a.tier}`,
      pid: a.pid + depth,
      tid: 1 + Math.floor(rnd() * 4),
      module: a.module,
      text: depth === 0
        ? `GET ${url}`
        : depth === 1
        ? "OrderService.load"
        : "SELECT * FROM orders WHERE customer_id = $1",
      startUs: startAt,
      durationUs: budget,
      status: "ok",
      children: [],
    };
    let t = startAt + Math.floor(budget * 0.08);
    const kids = depth < 2 ? 1 + Math.floor(rnd() * 3) : 0;
    for (let i = 0; i < kids; i++) {
      const d = Math.floor((budget * 0.8) / kids * (0.5 + rnd() * 0.45));
      s.children.push(span(depth + 1, t, d, s.spanId));
      t += d + Math.floor(budget * 0.02);
    }
    return s;
  };
  const duration = Math.floor((slow ? 900_000 : 20_000) + rnd() * (slow ? 2_500_000 : 180_000));
  const root = span(0, startUs, duration);
  if (error) root.children.at(-1)!.status = "error";
  if (error || warning) root.status = error ? "error" : "warning";
  spans.push(root);
  const walk = (s: SpanNode) => {
    const a = APPS.find((x) => s.app === `${x.app}/${x.tier}`)!;
    const app = { appName: a.app, appId: "1", appTierName: a.tier, appTierId: `${a.tier}-1` };
    const common = {
      app,
      pid: s.pid,
      tid: s.tid,
      module: s.module,
      requestId,
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      agent: "web-01",
    };
    events.push({
      ...common,
      tsUs: s.startUs,
      text: s.text,
      flags: 1,
      level: 0,
      params: s.parentSpanId ? [] : [
        { name: "url", type: "string", value: url },
        { name: "user", type: "string", value: `customer${seed % 97}` },
        { name: "httpStatus", type: "int32", value: error ? 500 : 200 },
      ],
    });
    s.children.forEach(walk);
    if (s.status === "error") {
      events.push({
        ...common,
        tsUs: s.startUs + s.durationUs - 10,
        text: "deadlock detected; transaction rolled back",
        flags: 16,
        level: 50,
      });
    }
    events.push({ ...common, tsUs: s.startUs + s.durationUs, text: s.text, flags: 2, level: 0 });
  };
  walk(root);
  events.sort((x, y) => x.tsUs - y.tsUs);
  const row: RequestRow = {
    requestId,
    startTs: startUs,
    durationUs: duration,
    status: root.status,
    agents: ["web-01", "app-01"],
    applications: ["shop/frontend", "shop/backend"],
    columns: { url, user: `customer${seed % 97}`, httpStatus: error ? 500 : 200 },
  };
  return { row, events, tree: spans };
}
