import { assertEquals } from "../../tests/helpers/assert.ts";
import { storeTest } from "../../tests/helpers/store.ts";
import { ConfigRepo } from "../config/repo.ts";
import { type StatusChange, StatusEvaluator } from "./evaluator.ts";
import { groupVerdict, serviceVerdict } from "./rollup.ts";

Deno.test("a service is the worst of its checks; stale results and unreachable agents are UNKNOWN", () => {
  const now = 1_000_000;
  const ok = { name: "a", intervalMs: 10_000, state: "OK" as const, message: "fine", ts: now - 5000 };
  const warn = { name: "b", intervalMs: 10_000, state: "WARNING" as const, message: "slow", ts: now - 5000 };
  assertEquals(serviceVerdict([ok, warn], { name: "x", state: "ok" }, now).state, "WARNING");
  assertEquals(
    serviceVerdict([ok, { ...warn, ts: now - 31_000 }], { name: "x", state: "ok" }, now).state,
    "UNKNOWN",
  );
  assertEquals(
    serviceVerdict([ok], { name: "x", state: "unreachable" }, now).cause,
    "agent x is unreachable",
  );
  assertEquals(
    serviceVerdict([ok, { ...warn, state: "CRITICAL" }, { ...ok, ts: undefined }], undefined, now).state,
    "CRITICAL",
  );
});

Deno.test("a percent rule turns a group CRITICAL only when enough children are", () => {
  const kids = (states: string[]) => states.map((s, i) => ({ name: `c${i}`, state: s as "OK", cause: "" }));
  const rule = { type: "percent" as const, criticalPct: 50 };
  assertEquals(groupVerdict(kids(["CRITICAL", "OK", "OK", "OK"]), rule).state, "WARNING");
  assertEquals(groupVerdict(kids(["CRITICAL", "CRITICAL", "OK", "OK"]), rule).state, "CRITICAL");
  assertEquals(groupVerdict(kids(["CRITICAL", "OK"]), { type: "worst" }).state, "CRITICAL");
  assertEquals(groupVerdict(kids(["OK", "OK"]), rule).state, "OK");
});

storeTest("state changes are stored, recorded as events and handed to notification", async (store) => {
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
  const notified: StatusChange[] = [];
  const ev = new StatusEvaluator(store.db, (c) => notified.push(...c));
  const now = Date.now();
  const setCheck = (state: string, ts: number) =>
    store.db.insertInto("check_state").values({
      agent_id: agent.id,
      check_id: `c${check.id}`,
      ts: new Date(ts),
      state,
      message: state.toLowerCase(),
      duration_ms: 1,
      perfdata: null,
    }).onConflict((oc) => oc.columns(["agent_id", "check_id"]).doUpdateSet({ state, ts: new Date(ts) }))
      .execute();
  await setCheck("OK", now);
  await ev.evaluate(now);
  assertEquals(notified.length, 0, "the first evaluation is not a change");
  await setCheck("CRITICAL", now + 1000);
  await ev.evaluate(now + 1000);
  assertEquals(notified.map((c) => [c.objectId, c.old, c.new]), [[`s:${svc.id}`, "OK", "CRITICAL"], [
    `g:${group.id}`,
    "OK",
    "CRITICAL",
  ]]);
  await store.db.updateTable("agent").set({ state: "unreachable" }).execute();
  await ev.evaluate(now + 2000);
  const events = await store.db.selectFrom("status_event").select([
    "object_id",
    "old_state",
    "new_state",
    "cause",
  ]).orderBy("id").execute();
  const last = events.filter((e) => e.object_id === `s:${svc.id}`).at(-1)!;
  assertEquals([last.old_state, last.new_state, last.cause], [
    "CRITICAL",
    "UNKNOWN",
    "agent a1 is unreachable",
  ]);
  const cur = await store.db.selectFrom("object_status").select(["object_id", "state"]).orderBy("object_id")
    .execute();
  assertEquals(cur.map((c) => c.state), ["UNKNOWN", "UNKNOWN"]);
}, ["postgres"]);
