/**
 * Real request data for the Worker's tests: agents in the `agent` table, requests assembled by the
 * Server's assembler (two agents, three tiers) into day files and `request` rows.
 * @module
 */
import type { Store } from "../shared/db/mod.ts";
import type { AppRegistration, TelemetryEvent } from "../shared/wire/types.ts";
import { type Assembler, createAssembler } from "../server/telemetry/assembler.ts";

/** Start of the fixture's hour, µs: 2 hours ago, on a whole minute. */
export const T0_US = (Math.floor(Date.now() / 60_000) * 60_000 - 2 * 3_600_000) * 1000;

const web: AppRegistration = { appName: "shop", appId: "1", appTierName: "web", appTierId: "web-1" };
const api: AppRegistration = { appName: "shop", appId: "1", appTierName: "api", appTierId: "api-1" };
const db: AppRegistration = { appName: "billing", appId: "7", appTierName: "db", appTierId: "db-1" };

/** What one fixture request looks like. */
export interface FixtureSpec {
  id: string;
  /** Offset of the start from T0, ms. */
  atMs: number;
  durationMs: number;
  user: string;
  url: string;
  /** `error` marks the api section ERROR, `warning` WARNING. */
  status: "ok" | "warning" | "error";
  /** Include the billing tier on agent 2. */
  billing: boolean;
  /** Extra DETAIL event text in the api section. */
  detail?: string;
}

/** Request id `n` (32 hex). */
export function rid(n: number): string {
  return n.toString(16).padStart(32, "c");
}

/** Events of one request: web (agent 1) › api (agent 1) › optional billing db (agent 2). */
export function requestEvents(s: FixtureSpec): { agent1: TelemetryEvent[]; agent2: TelemetryEvent[] } {
  const t = T0_US + s.atMs * 1000;
  const d = s.durationMs * 1000;
  const e = (
    app: AppRegistration,
    dt: number,
    flags: number,
    span: string,
    parent: string | undefined,
    text: string,
    extra: Partial<TelemetryEvent> = {},
  ): TelemetryEvent => {
    const ev: TelemetryEvent = {
      tsUs: t + dt,
      app,
      pid: 100,
      tid: 1,
      module: app.appTierName,
      text,
      flags,
      level: 0,
      requestId: s.id,
      spanId: span,
      ...extra,
    };
    if (parent) ev.parentSpanId = parent;
    return ev;
  };
  const root = "a000000000000001", mid = "b000000000000002", low = "c000000000000003";
  const bad = s.status === "error" ? 16 : s.status === "warning" ? 8 : 0;
  const agent1 = [
    e(web, 0, 1, root, undefined, `GET ${s.url}`, {
      params: [{ name: "user", type: "string", value: s.user }, {
        name: "url",
        type: "string",
        value: s.url,
      }],
    }),
    e(api, Math.floor(d / 10), 1, mid, root, "handle order", { pid: 200, tid: 7 }),
    e(api, Math.floor(d / 5), 4, mid, root, "wait for lock", { pid: 200, tid: 7 }),
    ...(s.detail ? [e(api, Math.floor(d / 4), 0, mid, root, s.detail, { pid: 200, tid: 7, level: 60 })] : []),
    e(api, Math.floor(d / 2), 2 | bad, mid, root, bad ? "order failed" : "handle order", {
      pid: 200,
      tid: 7,
    }),
    e(web, d, 2, root, undefined, `GET ${s.url}`),
  ];
  const agent2 = s.billing
    ? [
      e(db, Math.floor(d / 3), 1, low, mid, "select invoice", { pid: 300, tid: 2 }),
      e(db, Math.floor(d / 3) + 1000, 2, low, mid, "select invoice", { pid: 300, tid: 2 }),
    ]
    : [];
  return { agent1, agent2 };
}

/** The fixture's requests: 12 over one hour, varied users, URLs, states and tiers. */
export function fixtureSpecs(): FixtureSpec[] {
  const users = ["alice", "bob", "carol"];
  const urls = ["/api/orders/17", "/api/cart", "/api/orders/42", "/health"];
  return Array.from({ length: 12 }, (_, i) => ({
    id: rid(i + 1),
    atMs: i * 5 * 60_000 + 1000,
    durationMs: 10 + ((i * 37) % 90),
    user: users[i % 3]!,
    url: urls[i % 4]!,
    status: i % 5 === 3 ? "error" : i % 7 === 2 ? "warning" : "ok",
    billing: i % 2 === 0,
  }));
}

/** Creates agents `host-a` (id 1) and `host-b` (id 2). */
export async function insertAgents(store: Store): Promise<void> {
  await store.db.insertInto("agent").values([
    { id: 1, name: "host-a", address: "10.0.0.1:4100" },
    { id: 2, name: "host-b", address: "10.0.0.2:4100" },
  ] as never).execute();
}

/** An assembler over `dataDir` with a clock the test drives. */
export async function fixtureAssembler(store: Store, dataDir: string) {
  let now = Date.now();
  const assembler: Assembler = await createAssembler({ store, dataDir, clock: () => now, graceMs: 1000 });
  return {
    assembler,
    /** Ingests `specs` and flushes them into files and rows. */
    async write(specs: FixtureSpec[]): Promise<void> {
      for (const s of specs) {
        const { agent1, agent2 } = requestEvents(s);
        assembler.ingest(1, agent1);
        if (agent2.length > 0) assembler.ingest(2, agent2);
      }
      now += 2000;
      const done = await assembler.flush(now);
      if (done.length !== specs.length) {
        throw new Error(`assembled ${done.length} of ${specs.length} requests`);
      }
    },
  };
}
