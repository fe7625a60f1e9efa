/**
 * The status tree with 5,000 services through the real path: PostgreSQL (throwaway, durable), the
 * Worker's status-tree query, the Webservice with a signed-in session. Prints
 * `BENCH status_api_real_p95_ms` (p95 of 100 sequential `GET /api/status`) and
 * `BENCH status_tree_query_p95_ms` (the Worker's query alone).
 */
import { sql } from "kysely";
import { openStore } from "../shared/db/mod.ts";
import { startPostgres } from "../tests/helpers/postgres.ts";
import { createWorker } from "../worker/worker.ts";
import { composeBackend, type ConfigApi } from "../web/compose.ts";
import { createWebApp, ensureFirstAdmin } from "../web/app.ts";
import { serveWeb } from "../web/serve.ts";
import { percentile, report } from "./median.ts";

const SERVICES = 5000;
const GROUPS = 50;
const PASSWORD = "bench-password-123";
const cluster = await startPostgres({ durable: true });
const dataDir = await Deno.makeTempDir({ prefix: "sonde-status-bench-" });
try {
  const store = await openStore({ databaseUrl: cluster.url, dataDir });
  await sql`insert into agent (name, address) select 'a' || i, '127.0.0.1:' || (10000 + i) from generate_series(1, 100) i`
    .execute(store.db);
  await sql`insert into service_group (name, parent_id) select 'Group ' || i, null from generate_series(1, ${GROUPS}) i`
    .execute(store.db);
  await sql`insert into service (name, agent_id, group_id)
    select 'service ' || i, 1 + i % 100, 1 + i % ${GROUPS} from generate_series(1, ${SERVICES}) i`.execute(
    store.db,
  );
  await sql`insert into object_status (object_id, state, since, cause)
    select 's:' || id, (array['OK','OK','OK','WARNING','CRITICAL','UNKNOWN'])[1 + id % 6], now(), 'bench' from service`
    .execute(store.db);
  await sql`insert into object_status (object_id, state, since, cause) select 'g:' || id, 'CRITICAL', now(), '' from service_group`
    .execute(store.db);

  const worker = createWorker({ store, dataDir, livePollMs: 0, sessionSweepMs: 0 });
  const direct: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    const tree = await worker.statusTree();
    direct.push(performance.now() - t0);
    if (
      i === 0 &&
      tree.root.counts.OK + tree.root.counts.WARNING + tree.root.counts.CRITICAL +
            tree.root.counts.UNKNOWN !== SERVICES
    ) {
      throw new Error(
        `status tree counts ${JSON.stringify(tree.root.counts)}, expected ${SERVICES} services`,
      );
    }
  }
  report("status_tree_query_p95_ms", percentile(direct, 95), "ms");

  await ensureFirstAdmin(store, PASSWORD);
  const backend = composeBackend(worker, {} as ConfigApi, "http://127.0.0.1:9");
  const app = createWebApp({ version: "bench", backend, store, health: () => Promise.resolve({}) });
  const web = await serveWeb(app, { hostname: "127.0.0.1", port: 0 });
  const base = `http://127.0.0.1:${web.port}`;
  const first = await fetch(`${base}/api/session`);
  await first.body?.cancel();
  const csrf = /sonde_csrf=([^;]+)/.exec(first.headers.get("set-cookie") ?? "")![1]!;
  const login = await fetch(`${base}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": csrf, cookie: `sonde_csrf=${csrf}` },
    body: JSON.stringify({ name: "admin", password: PASSWORD }),
  });
  const cookie = [`sonde_csrf=${csrf}`, ...login.headers.getSetCookie().map((c) => c.split(";")[0])].join(
    "; ",
  );
  await login.body?.cancel();
  const api: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}/api/status`, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`/api/status answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
    api.push(performance.now() - t0);
  }
  report("status_api_real_p95_ms", percentile(api, 95), "ms");
  await web.stop();
  await worker.stop();
  await store.close();
} finally {
  await cluster.stop();
  await Deno.remove(dataDir, { recursive: true }).catch(() => {});
}
