import { assert, assertEquals } from "./helpers/assert.ts";
import { spawnDeno, waitFor } from "./helpers/procs.ts";
import { createTestDatabase } from "./helpers/store.ts";
import { openStore } from "../shared/db/mod.ts";
import { addChannel, addEvent, addRule, outbox, startReceiver } from "./ecomm_fixture.ts";
import { freePort } from "./helpers/postgres.ts";

Deno.test({
  name: "ecomm process: identity on start, delivery survives a restart without a second enqueue",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "sonde-ecomm-" });
    const url = await createTestDatabase();
    const store = await openStore({ databaseUrl: url });
    const port = freePort(); // nothing listens yet: the first attempts are refused
    const ch = await addChannel(store, "webhook", { url: `http://127.0.0.1:${port}/hook`, timeoutMs: 1000 });
    await addRule(store, ch);
    await addEvent(store, "s:1", "web-01", "OK", "CRITICAL");
    const args = [
      "--etc",
      `${dir}/etc`,
      "--data",
      dir,
      "--database-url",
      url,
      "--poll",
      "50ms",
      "--backoff",
      "300ms",
    ];
    let p = spawnDeno("server/ecomm/main.ts", args);
    let hook: ReturnType<typeof startReceiver> | undefined;
    try {
      await waitFor(async () => ((await outbox(store))[0]?.attempts ?? 0) >= 1, 20_000, "a refused attempt");
      assertEquals(await p.stop(), 0, `clean exit on SIGTERM:\n${p.output()}`);
      const [row] = await outbox(store);
      assertEquals(row!.state, "pending");
      assert((row!.last_error ?? "").includes("Cannot POST webhook"), row!.last_error ?? "");
      const fp = (await Deno.readTextFile(`${dir}/etc/ecomm/cli_certificate.fingerprint`)).trim();
      assert(
        (await Deno.readTextFile(`${dir}/etc/server/trusted_certificates.cfg`)).includes(fp),
        "server trusts ecomm",
      );

      hook = startReceiver(() => 200, port);
      p = spawnDeno("server/ecomm/main.ts", args);
      await waitFor(async () => (await outbox(store))[0]?.state === "sent", 20_000, "delivery after restart");
      assertEquals((await outbox(store)).length, 1, "the restart enqueued nothing twice");
      assertEquals(hook.received.length, 1);
      assertEquals(hook.received[0]!.headers.get("idempotency-key"), String(row!.id));
    } finally {
      await p.stop();
      await hook?.close();
      await store.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
