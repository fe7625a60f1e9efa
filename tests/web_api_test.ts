import { assert, assertEquals, assertMatch } from "./helpers/assert.ts";
import { createTestDatabase, storeTest } from "./helpers/store.ts";
import { openStore } from "../shared/db/mod.ts";
import type { Store } from "../shared/db/mod.ts";
import { createWebApp, ensureFirstAdmin } from "../web/app.ts";
import { DevBackend } from "../web/dev_backend.ts";
import { UserStore } from "../web/auth/users.ts";
import { WebSession } from "./web_session.ts";

const ADMIN_PW = "admin-password-1";

async function setup(
  store: Store,
  extra: Parameters<typeof createWebApp>[0] extends infer D ? Partial<D> : never = {},
) {
  await ensureFirstAdmin(store, ADMIN_PW);
  const users = new UserStore(store.db);
  await users.create({ name: "vera", role: "viewer", password: "viewer-password" });
  await users.create({ name: "otto", role: "operator", password: "operator-password" });
  const backend = new DevBackend({ liveEveryMs: 0, requests: 50 });
  const app = createWebApp({ version: "test", health: () => Promise.resolve({}), store, backend, ...extra });
  return { app, backend };
}

storeTest(
  "web api: refuses unauthenticated calls with 401, serves the status tree after login",
  async (store) => {
    const { app } = await setup(store);
    const anon = new WebSession(app);
    const res = await anon.fetch("/api/status");
    assertEquals(res.status, 401);
    assertMatch((await res.json()).message, /not signed in/);
    assertEquals((await anon.fetch("/api/pools/1/requests")).status, 401);
    assertEquals((await anon.fetch("/api/openapi.json")).status, 200);

    const s = new WebSession(app);
    const login = await s.login("vera", "viewer-password");
    assertEquals(login.status, 200);
    assert(s.cookies.has("sonde_session"), "session cookie set");
    const setCookie = login.headers.getSetCookie().find((c) => c.startsWith("sonde_session="))!;
    assertMatch(setCookie, /HttpOnly/);
    assertMatch(setCookie, /SameSite=Strict/);
    const tree = await (await s.fetch("/api/status")).json();
    assertEquals(tree.root.kind, "group");
    assertEquals(
      tree.root.counts.OK + tree.root.counts.WARNING + tree.root.counts.CRITICAL + tree.root.counts.UNKNOWN,
      12,
    );

    assertEquals((await s.fetch("/api/logout", { method: "POST" })).status, 200);
    assertEquals((await s.fetch("/api/status")).status, 401);
  },
);

storeTest(
  "web api: viewers get 403 on edits, operators edit, validation problems name the field",
  async (store) => {
    const { app } = await setup(store);
    const viewer = new WebSession(app);
    await viewer.login("vera", "viewer-password");
    const check = { name: "HTTP", type: "http", intervalMs: 60000, params: { url: "ftp://x" }, serviceId: 1 };
    const denied = await viewer.fetch("/api/config/check/11", { method: "PUT", json: check });
    assertEquals(denied.status, 403);
    assertMatch((await denied.json()).message, /needs role operator/);
    assertEquals((await viewer.fetch("/api/users")).status, 403);
    assertEquals((await viewer.fetch("/api/agents/3/accept-fingerprint", { method: "POST" })).status, 403);

    const op = new WebSession(app);
    await op.login("otto", "operator-password");
    const bad = await op.fetch("/api/config/check/13", { method: "PUT", json: check });
    assertEquals(bad.status, 400);
    const body = await bad.json();
    assert(
      body.problems.some((p: string) => p.startsWith("params.url: must be an http(s) URL")),
      JSON.stringify(body),
    );
    const good = await op.fetch("/api/config/check/13", {
      method: "PUT",
      json: { ...check, params: { url: "https://shop.example.com/health" } },
    });
    assertEquals(good.status, 200);
    assertEquals((await op.fetch("/api/users")).status, 403, "operators do not manage users");
  },
);

storeTest("web api: a form post without the CSRF header fails with 403", async (store) => {
  const { app } = await setup(store);
  const s = new WebSession(app);
  await s.login("admin", ADMIN_PW);
  const form = await s.fetch("/api/users", {
    method: "POST",
    csrf: false,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "name=mallory&role=admin&password=mallory-password",
  });
  assertEquals(form.status, 403);
  assertMatch((await form.json()).message, /x-csrf-token/);
  const forged = await s.fetch("/api/users", {
    method: "POST",
    headers: { "x-csrf-token": "forged" },
    csrf: false,
    json: { name: "mallory", role: "admin", password: "mallory-password" },
  });
  assertEquals(forged.status, 403);
  assertEquals(await new UserStore(store.db).byName("mallory"), undefined);
  const ok = await s.fetch("/api/users", {
    method: "POST",
    json: { name: "nina", role: "viewer", password: "nina-password" },
  });
  assertEquals(ok.status, 201);
  assertEquals(
    (await s.fetch("/api/login", { method: "POST", csrf: false, json: { name: "a", password: "b" } })).status,
    403,
  );
}, ["postgres"]);

storeTest("web api: login is rate limited per IP and per user", async (store) => {
  const { app } = await setup(store, { loginLimit: { maxFailures: 3, windowMs: 60_000 } });
  const s = new WebSession(app, "10.1.1.1");
  for (let i = 0; i < 3; i++) assertEquals((await s.login("otto", `wrong-${i}`)).status, 401);
  const blocked = await s.login("otto", "operator-password");
  assertEquals(blocked.status, 429, "right password refused while blocked");
  assert(Number(blocked.headers.get("retry-after")) > 0);
  const other = new WebSession(app, "10.2.2.2");
  assertEquals(
    (await other.login("otto", "operator-password")).status,
    429,
    "blocked per user from another IP",
  );
  assertEquals((await other.login("vera", "viewer-password")).status, 200, "other users unaffected");
}, ["postgres"]);

storeTest("web api: query parameters are validated with clear 400s", async (store) => {
  const { app } = await setup(store);
  const s = new WebSession(app);
  await s.login("vera", "viewer-password");
  const r1 = await s.fetch("/api/pools/1/requests?limit=abc");
  assertEquals(r1.status, 400);
  assertMatch(
    (await r1.json()).message,
    /"limit": must be an integer from 1 to 1000: current value is "abc"/,
  );
  const r2 = await s.fetch("/api/agents/1/series?key=cpu.busy_pct&from=2026-01-02&to=2026-01-01");
  assertEquals(r2.status, 400);
  assertMatch((await r2.json()).message, /must be before/);
  assertEquals((await s.fetch("/api/services/999999")).status, 404);
  const r4 = await s.fetch("/api/pools/1/requests?status=bad");
  assertMatch((await r4.json()).message, /one of ok, warning, error/);
  const list = await (await s.fetch("/api/pools/1/requests?limit=5")).json();
  assertEquals(list.rows.length, 5);
}, ["postgres"]);

storeTest("web api: proxy header is honoured only from trusted proxies", async (store) => {
  const { app } = await setup(store, {
    proxyAuth: { header: "X-Remote-User", trustedProxies: ["10.9.9.9"], defaultRole: "viewer" },
  });
  const viaProxy = new WebSession(app, "10.9.9.9");
  const ok = await viaProxy.fetch("/api/session", { headers: { "X-Remote-User": "petra" } });
  assertEquals((await ok.json()).user.name, "petra");
  assertEquals((await viaProxy.fetch("/api/status", { headers: { "X-Remote-User": "petra" } })).status, 200);
  const direct = new WebSession(app, "10.6.6.6");
  assertEquals((await direct.fetch("/api/status", { headers: { "X-Remote-User": "admin" } })).status, 401);
}, ["postgres"]);

storeTest("web api: browser telemetry goes to the backend without a login", async (store) => {
  const { app, backend } = await setup(store);
  const s = new WebSession(app);
  const r = await s.fetch("/api/telemetry", { method: "POST", json: { events: [{}, {}] } });
  assertEquals(r.status, 202);
  assertEquals(backend.telemetryAccepted, 2);
  const form = await s.fetch("/api/telemetry", {
    method: "POST",
    body: "x=1",
    headers: { "content-type": "text/plain" },
  });
  assertEquals(form.status, 415);
}, ["postgres"]);

for (const engine of ["postgres", "pglite"] as const) {
  Deno.test({
    name: `web api: sessions survive a restart of the Webservice [${engine}]`,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const dataDir = await Deno.makeTempDir({ prefix: "sonde-web-" });
      const databaseUrl = engine === "postgres" ? await createTestDatabase() : undefined;
      try {
        const first = await openStore({ dataDir, databaseUrl });
        const { app } = await setup(first);
        const s = new WebSession(app);
        assertEquals((await s.login("vera", "viewer-password")).status, 200);
        await first.close();

        const second = await openStore({ dataDir, databaseUrl });
        try {
          await ensureFirstAdmin(second, "ignored-because-users-exist");
          const app2 = createWebApp({
            version: "t",
            health: () => Promise.resolve({}),
            store: second,
            backend: new DevBackend({ liveEveryMs: 0, requests: 10 }),
          });
          const again = new WebSession(app2);
          for (const [k, v] of s.cookies) again.cookies.set(k, v);
          const res = await again.fetch("/api/session");
          assertEquals((await res.json()).user?.name, "vera");
          assertEquals((await again.fetch("/api/status")).status, 200);
        } finally {
          await second.close();
        }
      } finally {
        await Deno.remove(dataDir, { recursive: true }).catch(() => {});
      }
    },
  });
}

storeTest(
  "web api: recordings: viewers read, operators start and stop, bad input is a 400",
  async (store) => {
    const { app } = await setup(store);
    const viewer = new WebSession(app);
    await viewer.login("vera", "viewer-password");
    assertEquals((await viewer.fetch("/api/recordings")).status, 200);
    assertEquals(
      (await viewer.fetch("/api/recordings", { method: "POST", json: { level: 60 } })).status,
      403,
    );
    const op = new WebSession(app);
    await op.login("otto", "operator-password");
    const bad = await op.fetch("/api/recordings", { method: "POST", json: { level: 500, durationMs: 5 } });
    assertEquals(bad.status, 400);
    const problems: string[] = (await bad.json()).problems;
    assert(problems.some((p) => p.startsWith("level:")) && problems.some((p) => p.startsWith("durationMs:")));
    const started =
      await (await op.fetch("/api/recordings", { method: "POST", json: { level: 70, filter: "x" } })).json();
    assertEquals(started.state, "running");
    const stopped = await (await op.fetch(`/api/recordings/${started.id}/stop`, { method: "POST" })).json();
    assertEquals(stopped.state, "stopped");
    const exported = await op.fetch(`/api/recordings/${started.id}/export`);
    assertMatch(exported.headers.get("content-disposition") ?? "", /attachment/);
    const text = await exported.text();
    const imported = await op.fetch("/api/recordings/import", { method: "POST", body: text });
    assertEquals(imported.status, 201);
    assertEquals((await imported.json()).imported, true);
  },
  ["postgres"],
);
