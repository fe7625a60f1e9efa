/**
 * Re-evaluates the state of every service and group, stores the current states and records every
 * change as a status event (time, old, new, cause) handed to notification.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "@sonde/shared/db";
import type { CheckState } from "@sonde/shared/wire/types";
import { type CheckView, type GroupRule, groupVerdict, serviceVerdict, type Verdict } from "./rollup.ts";

/** A status change. */
export interface StatusChange {
  ts: Date;
  objectId: string;
  objectName: string;
  old: CheckState;
  new: CheckState;
  cause: string;
}

/** Evaluates status; `onChange` receives every batch of changes after they were stored. */
export class StatusEvaluator {
  #running: Promise<StatusChange[]> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onChange: (changes: StatusChange[]) => void = () => {},
  ) {}

  /** Evaluates once (calls made while one runs share its result). */
  evaluate(now = Date.now()): Promise<StatusChange[]> {
    this.#running ??= this.#evaluate(now).finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #evaluate(now: number): Promise<StatusChange[]> {
    const db = this.db;
    const [agents, services, checks, states, groups, current] = await Promise.all([
      db.selectFrom("agent").select(["id", "name", "state"]).execute(),
      db.selectFrom("service").select(["id", "name", "agent_id", "group_id"]).execute(),
      db.selectFrom("service_check").select(["id", "service_id", "name", "interval_ms"]).where(
        "enabled",
        "=",
        true,
      ).execute(),
      db.selectFrom("check_state").select(["agent_id", "check_id", "state", "message", "ts"]).execute(),
      db.selectFrom("service_group").select(["id", "name", "parent_id", "rule"]).execute(),
      db.selectFrom("object_status").select(["object_id", "state", "cause"]).execute(),
    ]);
    const agentById = new Map(agents.map((a) => [a.id, a]));
    const stateByKey = new Map(states.map((s) => [`${s.agent_id}:${s.check_id}`, s]));
    const checksByService = new Map<number, CheckView[]>();
    const serviceAgent = new Map(services.map((s) => [s.id, s.agent_id]));
    for (const c of checks) {
      const agentId = serviceAgent.get(c.service_id);
      const st = agentId == null ? undefined : stateByKey.get(`${agentId}:c${c.id}`);
      const list = checksByService.get(c.service_id) ?? [];
      list.push({
        name: c.name,
        intervalMs: c.interval_ms,
        state: st?.state as CheckState | undefined,
        message: st?.message,
        ts: st ? new Date(st.ts).getTime() : undefined,
      });
      checksByService.set(c.service_id, list);
    }
    const verdicts = new Map<string, Verdict & { name: string }>();
    for (const s of services) {
      const agent = s.agent_id == null ? undefined : agentById.get(s.agent_id);
      verdicts.set(`s:${s.id}`, {
        name: s.name,
        ...serviceVerdict(checksByService.get(s.id) ?? [], agent, now),
      });
    }
    // groups bottom-up: children are services and groups with this parent
    const childGroups = new Map<number | null, typeof groups>();
    for (const g of groups) childGroups.set(g.parent_id, [...(childGroups.get(g.parent_id) ?? []), g]);
    const servicesIn = new Map<number, string[]>();
    for (const s of services) {
      if (s.group_id != null) {
        servicesIn.set(s.group_id, [...(servicesIn.get(s.group_id) ?? []), `s:${s.id}`]);
      }
    }
    const visiting = new Set<number>();
    const evalGroup = (g: (typeof groups)[number]): Verdict & { name: string } => {
      const key = `g:${g.id}`;
      const done = verdicts.get(key);
      if (done) return done;
      if (visiting.has(g.id)) return { name: g.name, state: "UNKNOWN", cause: "group cycle" };
      visiting.add(g.id);
      const children = [
        ...(servicesIn.get(g.id) ?? []).map((id) => verdicts.get(id)!),
        ...(childGroups.get(g.id) ?? []).map(evalGroup),
      ];
      const v = { name: g.name, ...groupVerdict(children, (g.rule ?? { type: "worst" }) as GroupRule) };
      verdicts.set(key, v);
      return v;
    };
    for (const g of groups) evalGroup(g);

    const before = new Map(current.map((c) => [c.object_id, c.state as CheckState]));
    const causeBefore = new Map(current.map((c) => [c.object_id, c.cause]));
    const changes: StatusChange[] = [];
    const recaused: [string, string][] = [];
    const ts = new Date(now);
    for (const [objectId, v] of verdicts) {
      const old = before.get(objectId);
      if (old === v.state) {
        if (causeBefore.get(objectId) !== v.cause) recaused.push([objectId, v.cause]);
        continue;
      }
      changes.push({ ts, objectId, objectName: v.name, old: old ?? "UNKNOWN", new: v.state, cause: v.cause });
    }
    const gone = [...before.keys()].filter((id) => !verdicts.has(id));
    if (changes.length > 0 || gone.length > 0 || recaused.length > 0) {
      await db.transaction().execute(async (tx) => {
        for (const c of changes) {
          await tx.insertInto("object_status").values({
            object_id: c.objectId,
            state: c.new,
            since: ts,
            cause: c.cause,
          })
            .onConflict((oc) =>
              oc.column("object_id").doUpdateSet({ state: c.new, since: ts, cause: c.cause })
            ).execute();
        }
        // first evaluation of a new object is not a change worth notifying
        const real = changes.filter((c) => before.has(c.objectId));
        if (real.length > 0) {
          await tx.insertInto("status_event").values(real.map((c) => ({
            ts,
            object_id: c.objectId,
            object_name: c.objectName,
            old_state: c.old,
            new_state: c.new,
            cause: c.cause,
          }))).execute();
        }
        if (gone.length > 0) await tx.deleteFrom("object_status").where("object_id", "in", gone).execute();
        for (const [objectId, cause] of recaused) {
          await tx.updateTable("object_status").set({ cause }).where("object_id", "=", objectId).execute();
        }
      });
    }
    const notified = changes.filter((c) => before.has(c.objectId));
    if (notified.length > 0) this.onChange(notified);
    return notified;
  }
}
