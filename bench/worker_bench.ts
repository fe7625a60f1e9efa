/**
 * Worker queries over 1,000,000 request rows of one day (COPY into a throwaway PostgreSQL 15) and their
 * raw records in real segment files (the Server's record format): research (lists, filters, full-text
 * search, keyset pages), request detail (row + one positioned file read + span tree) and statistics
 * over the whole day (24 buckets with counts, error rates and percentiles, and the 10 slowest; then the
 * same grouped by a column or application, which scans every row of the day). Each figure is the
 * median over 3 rounds of the round's p95.
 * Prints `BENCH research_p95_ms`, `BENCH detail_p95_ms`, `BENCH statistics_p95_ms`,
 * `BENCH statistics_grouped_p95_ms`.
 * `WORKER_BENCH_ROWS` overrides the row count.
 */
import { sql } from "kysely";
import { copyRows, dayKey, ensureDayPartitions, openStore } from "../shared/db/mod.ts";
import { searchDocument } from "../shared/telemetry/search.ts";
import { logSink } from "../shared/log.ts";
import type { AppRegistration } from "../shared/wire/types.ts";
import { encodeRequest, type StoredEvent } from "../shared/telemetry/segment_format.ts";
import { startPostgres } from "../tests/helpers/postgres.ts";
import { createWorker } from "../worker/worker.ts";
import type { RequestQuery } from "../shared/wire/api.ts";
import { median, percentile, report } from "./median.ts";

logSink.level = "error";
const ROWS = Number(Deno.env.get("WORKER_BENCH_ROWS") ?? 1_000_000);
const DAY = 86_400_000;
const day0 = Math.floor(Date.now() / DAY) * DAY - DAY; // yesterday, UTC
const URLS = Array.from(
  { length: 50 },
  (_, i) => `/api/${["orders", "cart", "users", "search", "pay"][i % 5]}/${i}`,
);
const web: AppRegistration = { appName: "shop", appId: "1", appTierName: "web", appTierId: "web-1" };
const api: AppRegistration = { appName: "billing", appId: "7", appTierName: "api", appTierId: "api-1" };
const rid = (i: number) => (i + 1).toString(16).padStart(32, "0");

function* generate(dataDir: string): Generator<unknown[]> {
  const enc = new TextEncoder();
  const dir = `${dataDir}/telemetry/${new Date(day0).toISOString().slice(0, 10)}`;
  Deno.mkdirSync(dir, { recursive: true });
  let seg = 0, file: Deno.FsFile | undefined, name = "", offset = 0;
  const chunks: Uint8Array[] = [];
  let pending = 0;
  const flush = () => {
    for (const c of chunks) file!.writeSync(c);
    chunks.length = 0;
    pending = 0;
  };
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < ROWS; i++) {
    if (!file || offset > 256 * 1024 * 1024) {
      if (file) {
        flush();
        file.close();
      }
      name = `segment-${String(++seg).padStart(6, "0")}.log`;
      file = Deno.openSync(`${dir}/${name}`, { write: true, create: true, truncate: true });
      offset = 0;
    }
    const startUs = (day0 + Math.floor((i / ROWS) * DAY)) * 1000 + (i % 1000);
    const durUs = Math.floor(Math.exp(7 + rand() * 5)); // ~1 ms .. ~160 ms, skewed
    const r = rand();
    const status = r < 0.02 ? "error" : r < 0.07 ? "warning" : "ok";
    const url = URLS[i % URLS.length]!;
    const user = `user${i % 5000}`;
    const both = i % 3 === 0;
    const agent = 1 + (i % 10);
    const id = rid(i);
    const ev = (
      dt: number,
      app: AppRegistration,
      flags: number,
      span: string,
      text: string,
      parent?: string,
    ) => {
      const e: StoredEvent = {
        tsUs: startUs + dt,
        app,
        agentId: agent,
        pid: 100,
        tid: 1,
        module: app.appTierName,
        text,
        flags,
        level: 0,
        requestId: id,
        spanId: span,
      };
      if (parent) e.parentSpanId = parent;
      return e;
    };
    const events = [
      {
        ...ev(0, web, 1, "a000000000000001", `GET ${url}`),
        params: [{ name: "user", type: "string" as const, value: user }],
      },
      ...(both
        ? [
          ev(durUs / 4, api, 1, "b000000000000002", "charge", "a000000000000001"),
          ev(durUs / 2, api, status === "error" ? 18 : 2, "b000000000000002", "charge", "a000000000000001"),
        ]
        : []),
      ev(durUs, web, status === "warning" ? 10 : 2, "a000000000000001", `GET ${url}`),
    ].map((e) => ({ ...e, tsUs: Math.floor(e.tsUs) }));
    const bytes = enc.encode(
      encodeRequest({ requestId: id, startUs, durationUs: durUs, status, agents: [agent], events }),
    );
    chunks.push(bytes);
    pending += bytes.length;
    if (pending > 8 * 1024 * 1024) flush();
    const iso = new Date(Math.floor(startUs / 1000)).toISOString().slice(0, 23) +
      String(startUs % 1000).padStart(3, "0") + "Z";
    const apps = both ? ["shop 1", "billing 7"] : ["shop 1"];
    const tiers = both ? ["shop 1/web/web-1", "billing 7/api/api-1"] : ["shop 1/web/web-1"];
    yield [
      1,
      iso,
      id,
      `GET ${url}`,
      durUs,
      status,
      events.length,
      JSON.stringify([agent]),
      JSON.stringify(apps),
      JSON.stringify(tiers),
      JSON.stringify({ user, url }),
      `${dayKey(day0).slice(0, 4)}-${dayKey(day0).slice(4, 6)}-${dayKey(day0).slice(6)}/${name}`,
      offset,
      bytes.length,
      // the words the Server writes (server/telemetry/request_rows.ts)
      searchDocument([`GET ${url}`, ...apps, ...tiers, ...events.map((e) => e.text), user, url]),
    ];
    offset += bytes.length;
  }
  flush();
  file?.close();
}

async function timed(runs: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

const cluster = await startPostgres();
const dataDir = await Deno.makeTempDir({ prefix: "sonde-worker-bench-" });
const store = await openStore({ databaseUrl: cluster.url, dataDir });
try {
  const t0 = performance.now();
  await store.db.insertInto("agent").values(
    Array.from({ length: 10 }, (_, i) => ({ name: `host-${i + 1}`, address: `10.0.0.${i + 1}:4100` })),
  ).execute();
  await ensureDayPartitions(store.db, "request_lp1", day0, 1);
  await copyRows(store.db, "request", [
    "log_pool_id",
    "start_ts",
    "request_id",
    "name",
    "duration_us",
    "status",
    "event_count",
    "agents",
    "applications",
    "tiers",
    "columns",
    "file",
    "file_offset",
    "file_length",
    "search_doc",
  ], generate(dataDir));
  await sql`vacuum analyze request`.execute(store.db);
  console.error(`loaded ${ROWS} rows and files in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const worker = createWorker({ store, dataDir, livePollMs: 0, sessionSweepMs: 0 });
  const base = { pool: 1, from: day0, to: day0 + DAY, limit: 100 };
  const first = await worker.requests(base);
  const queries: RequestQuery[] = [
    base,
    { ...base, cursor: first.nextCursor },
    { ...base, q: "user1234" },
    { ...base, q: "orders" },
    { ...base, q: "GET /api/pay/4" },
    { ...base, status: "error" },
    { ...base, sort: "-duration" },
    { ...base, columns: { user: "user77" } },
    { ...base, app: "billing" },
    { ...base, agent: "host-3", minDurationUs: 50_000 },
    { ...base, from: day0 + 10 * 3_600_000, to: day0 + 11 * 3_600_000, q: "cart" },
  ];
  for (const q of ["user1234", "orders", "GET /api/pay/4"]) {
    const found = await worker.requests({ ...base, q });
    if (found.rows.length === 0) throw new Error(`search "${q}" found nothing: the search words are missing`);
  }
  const research: number[] = [], detail: number[] = [], stats: number[] = [], grouped: number[] = [];
  const day = { pool: 1, from: day0, to: day0 + DAY, bucketMs: 3_600_000 };
  for (let round = 0; round < 3; round++) {
    const r = await timed(queries.length * 4, (i) => worker.requests(queries[i % queries.length]!));
    research.push(percentile(r, 95));
    const d = await timed(60, (i) => worker.request(1, rid(Math.floor((i * 7919 + round * 104729) % ROWS))));
    detail.push(percentile(d, 95));
    stats.push(percentile(await timed(8, () => worker.statistics(day)), 95));
    const g = await timed(4, (i) => worker.statistics({ ...day, groupBy: i % 2 ? "url" : "app" }));
    grouped.push(percentile(g, 95));
    console.error(
      `round ${round}: research p95 ${research[round]!.toFixed(1)} ms (max ${Math.max(...r).toFixed(0)}), ` +
        `detail p95 ${detail[round]!.toFixed(1)} ms, statistics p95 ${stats[round]!.toFixed(0)} ms, ` +
        `grouped by a column p95 ${grouped[round]!.toFixed(0)} ms`,
    );
  }
  report("research_p95_ms", median(research), "ms");
  report("detail_p95_ms", median(detail), "ms");
  report("statistics_p95_ms", median(stats), "ms");
  report("statistics_grouped_p95_ms", median(grouped), "ms");
  await worker.stop();
} finally {
  await store.close();
  await cluster.stop();
  await Deno.remove(dataDir, { recursive: true });
}
