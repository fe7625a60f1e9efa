import { ensureServiceIdentity } from "../shared/trust/identity.ts";
import { createMtlsClient, fileTrustPolicy, serveMtls } from "../shared/mtls/mod.ts";
import { NotFoundError, SondeError, ValidationError } from "../shared/errors.ts";
import { logSink } from "../shared/log.ts";
import type { RequestRow } from "../shared/wire/api.ts";
import { createBackendRouter, createRemoteBackend } from "../shared/wire/api_rpc.ts";
import { storeTest } from "./helpers/store.ts";
import { assert, assertEquals, assertRejects } from "./helpers/assert.ts";
import { createWorker } from "../worker/worker.ts";
import { insertAgents, rid } from "./worker_fixture.ts";

logSink.level = "error";

const row = (n: number): RequestRow => ({
  requestId: rid(n),
  startTs: 1_795_000_000_000_000 + n,
  durationUs: 1000,
  status: "ok",
  agents: ["host-a"],
  applications: ["shop 1"],
  columns: { user: "alice" },
});

async function until(cond: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

storeTest(
  "the Worker's API over mTLS: results, errors and live rows for trusted callers only",
  async (store) => {
    await insertAgents(store);
    const etc = await Deno.makeTempDir({ prefix: "sonde-worker-etc-" });
    const workerId = await ensureServiceIdentity(etc, "worker");
    const webId = await ensureServiceIdentity(etc, "webserver");
    const worker = createWorker({ store, dataDir: etc, livePollMs: 0, sessionSweepMs: 0 });
    const srv = await serveMtls(createBackendRouter(worker), {
      listen: { hostname: "127.0.0.1", port: 0 },
      identity: workerId,
      trust: fileTrustPolicy(workerId.trustFile),
      name: "worker",
    });
    const base = `https://127.0.0.1:${srv.port}`;
    const client = createMtlsClient({ identity: webId, pin: workerId.server.fingerprint });
    const remote = createRemoteBackend(client, base);
    try {
      assertEquals((await remote.agents()).map((a) => a.name), ["host-a", "host-b"]);
      assertEquals((await remote.statusTree()).root.id, "g:0");
      assertEquals((await remote.logPools()).map((p) => p.name), ["default"]);
      const bad = await assertRejects(() => remote.requests({ pool: 1, from: 10, to: 5, limit: 0 }));
      assert(bad instanceof ValidationError, String(bad));
      assertEquals(bad.problems, [
        "limit: must be an integer from 1 to 1000: current value is 0",
        "to: must be after from (10): current value is 5",
      ]);
      assert((await assertRejects(() => remote.service(99))) instanceof NotFoundError);
      const raw = await client.request(`${base}/rpc/noSuchMethod`, { method: "POST", body: "[]" });
      assertEquals(raw.status, 404);
      const notJson = await client.request(`${base}/rpc/agents`, { method: "POST", body: "{oops" });
      assertEquals([notJson.status, JSON.parse(new TextDecoder().decode(notJson.body)).error], [
        400,
        "invalid_input",
      ]);
      const unserved = await assertRejects(() => remote.getConfig());
      assert(unserved instanceof NotFoundError, "configuration methods are the Server's");

      // sessions through the API
      const s = await remote.startSession!({ level: 60, appName: "shop", description: "via rpc" });
      assertEquals((await remote.sessions!()).map((x) => x.id), [s.id]);
      assertEquals((await remote.activeSessions()).map((x) => [x.id, x.appName, x.level]), [[
        s.id,
        "shop",
        60,
      ]]);

      // live: two remote subscribers each get every row once
      const got: RequestRow[][] = [[], []];
      const stops = [remote.live(1, (r) => got[0]!.push(r)), remote.live(null, (r) => got[1]!.push(r))];
      await until(() => worker.liveStats().subscribers === 2);
      for (let i = 1; i <= 30; i++) worker.publish(1, row(i));
      worker.publish(1, row(5)); // a repeat is not delivered again
      await until(() => got.every((g) => g.length >= 30));
      await new Promise((r) => setTimeout(r, 100));
      for (const g of got) {
        assertEquals(
          g.map((r) => r.requestId),
          Array.from({ length: 30 }, (_, i) => rid(i + 1)),
        );
      }
      stops.forEach((stop) => stop());

      // a caller whose certificate the worker does not trust gets nothing
      const ecommId = await ensureServiceIdentity(
        await Deno.makeTempDir({ prefix: "sonde-other-" }),
        "ecomm",
      );
      const stranger = createMtlsClient({ identity: ecommId, pin: workerId.server.fingerprint });
      const refused = await assertRejects(() => createRemoteBackend(stranger, base).agents());
      assert(
        refused instanceof SondeError && refused.message.includes(ecommId.client.fingerprint),
        refused.message,
      );
      stranger.close();
    } finally {
      client.close();
      await worker.stop();
      await srv.stop();
      await Deno.remove(etc, { recursive: true });
    }
  },
  ["postgres"],
);

Deno.test("GET /rpc/live streams finished requests as Server-Sent Events and unsubscribes on close", async () => {
  const subs = new Set<(r: RequestRow) => void>();
  const app = createBackendRouter({
    live: (_pool, fn) => {
      subs.add(fn);
      return () => subs.delete(fn);
    },
  });
  assertEquals((await app.request("/rpc/live?pool=x")).status, 400);
  const res = await app.request("/rpc/live?pool=1");
  assertEquals(res.headers.get("content-type"), "text/event-stream");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("event: ready")) text += (await reader.read()).value ?? "";
  assertEquals(subs.size, 1);
  for (const fn of subs) fn(row(1));
  while (!text.includes(rid(1))) text += (await reader.read()).value ?? "";
  assert(text.includes("event: request\ndata: {"), text);
  await reader.cancel();
  await until(() => subs.size === 0);
});
