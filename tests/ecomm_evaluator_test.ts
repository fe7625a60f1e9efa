import { assertEquals } from "./helpers/assert.ts";
import { storeTest } from "./helpers/store.ts";
import { waitFor } from "./helpers/procs.ts";
import { ConfigRepo } from "../server/config/repo.ts";
import { StatusEvaluator } from "../server/status/evaluator.ts";
import { startEcomm } from "../server/ecomm/ecomm.ts";
import { addChannel, addRule, outbox, sleep, startReceiver } from "./ecomm_fixture.ts";

storeTest(
  "ecomm: a check turning CRITICAL in the Server's evaluator reaches the webhook once",
  async (store) => {
    const repo = new ConfigRepo(store.db);
    const agent = await repo.put("agent", null, { name: "a1", address: "127.0.0.1:1" }) as { id: number };
    const group = await repo.put("group", null, { name: "Shop" }) as { id: number };
    const svc = await repo.put("service", null, {
      name: "web",
      agentId: agent.id,
      groupId: group.id,
      checks: [{ name: "port", type: "tcp", intervalMs: 10000, params: { host: "127.0.0.1", port: 80 } }],
    }) as { id: number };
    const check = await store.db.selectFrom("service_check").select("id").executeTakeFirstOrThrow();
    const setCheck = (state: string, ts: number) =>
      store.db.insertInto("check_state").values({
        agent_id: agent.id,
        check_id: `c${check.id}`,
        ts: new Date(ts),
        state,
        message: `port 80 ${state.toLowerCase()}`,
        duration_ms: 1,
        perfdata: null,
      }).onConflict((oc) =>
        oc.columns(["agent_id", "check_id"]).doUpdateSet({
          state,
          ts: new Date(ts),
          message: `port 80 ${state.toLowerCase()}`,
        })
      ).execute();

    const hook = startReceiver();
    const ch = await addChannel(store, "webhook", { url: hook.url });
    await addRule(store, ch, { objectIds: [`s:${svc.id}`], transitions: ["problem", "recovery"] });
    // an hour-long poll: only the evaluator's wake() can make this test pass in time
    const ecomm = startEcomm({ store, pollMs: 3_600_000 });
    const evaluator = new StatusEvaluator(store.db, () => ecomm.wake());
    try {
      const now = Date.now();
      await setCheck("OK", now);
      await evaluator.evaluate(now);
      await setCheck("CRITICAL", now + 1000);
      await evaluator.evaluate(now + 1000);
      await waitFor(() => hook.received.length >= 1, 10_000, "notification of the CRITICAL service");
      await evaluator.evaluate(now + 1500); // same state: no new event
      await sleep(300);
      const body = JSON.parse(hook.received[0]!.body);
      assertEquals([hook.received.length, body.objectId, body.oldState, body.newState], [
        1,
        `s:${svc.id}`,
        "OK",
        "CRITICAL",
      ]);
      assertEquals(body.cause.includes("port 80 critical"), true, body.cause);
      await setCheck("OK", now + 2000);
      await evaluator.evaluate(now + 2000);
      await waitFor(() => hook.received.length >= 2, 10_000, "recovery");
      assertEquals(JSON.parse(hook.received[1]!.body).subject, "OK: web (was CRITICAL)");
      assertEquals((await outbox(store)).map((r) => r.state), ["sent", "sent"]);
    } finally {
      await ecomm.stop();
      await hook.close();
    }
  },
  ["postgres"],
);
