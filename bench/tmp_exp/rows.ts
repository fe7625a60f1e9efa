import { copyRows, openStore, PartitionCache } from "../../shared/db/mod.ts";
import { startPostgres } from "../../tests/helpers/postgres.ts";
import { insertRequestRows, type RequestRow } from "../../server/telemetry/request_rows.ts";
import { sql } from "kysely";
const pg = await startPostgres({ durable: true });
const dir = await Deno.makeTempDir();
const store = await openStore({ databaseUrl: pg.url, dataDir: dir });
await new PartitionCache("request_lp1").ensure(store.db, [Date.now()]);
const now = Date.now() * 1000;
let n = 0;
const mk = (): RequestRow => {
  n++;
  const id = n.toString(16).padStart(32, "0");
  return {
    log_pool_id: 1,
    start_ts: new Date((now + n * 10) / 1000).toISOString(),
    request_id: id,
    name: "GET /api/item",
    duration_us: 1000 + (n % 5000),
    status: "ok",
    event_count: 10,
    agents: [1],
    applications: ["e2e 1"],
    tiers: ["e2e 1/web/web-1"],
    columns: { user: "u" + (n & 255), shard: n & 7 },
    file: "2026-11-26/000001.seg",
    file_offset: n * 900,
    file_length: 900,
    search_doc: "'get' 'api' 'item' 'step0' 'step1' 'step2' 'step3' 'u" + (n & 255) + "'",
  };
};
const COLS = [
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
] as const;
async function viaCopy(tx: any, rows: RequestRow[]) {
  await sql`create temp table if not exists request_in (like request including defaults) on commit delete rows`
    .execute(tx);
  await copyRows(
    tx,
    "request_in",
    COLS,
    rows.map((r) =>
      COLS.map((c) => {
        const v = (r as any)[c];
        return typeof v === "object" ? JSON.stringify(v) : v;
      })
    ),
  );
  await sql`insert into request (${sql.raw(COLS.join(","))}) select ${
    sql.raw(COLS.join(","))
  } from request_in on conflict do nothing`.execute(tx);
}
async function direct(tx: any, rows: RequestRow[]) {
  await copyRows(
    tx,
    "request",
    COLS,
    rows.map((r) =>
      COLS.map((c) => {
        const v = (r as any)[c];
        return typeof v === "object" ? JSON.stringify(v) : v;
      })
    ),
  );
}
for (
  const [name, f] of [
    ["json", (tx: any, rows: RequestRow[]) => insertRequestRows(tx, rows)],
    ["copy-staged", viaCopy],
    ["copy-direct", direct],
    ["json", (tx: any, rows: RequestRow[]) => insertRequestRows(tx, rows)],
    ["copy-staged", viaCopy],
  ] as const
) {
  const times: number[] = [];
  for (let b = 0; b < 20; b++) {
    const rows = Array.from({ length: 5000 }, mk);
    const t = performance.now();
    await store.db.transaction().execute((tx) => (f as any)(tx, rows));
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${name}: median batch 5000 rows: ${times[10].toFixed(0)} ms -> ${
      (5000 / times[10] * 1000).toFixed(0)
    } rows/s`,
  );
}
await store.close();
await pg.stop();
await Deno.remove(dir, { recursive: true });
