/**
 * One service with its checks (each with its latest result from `check_state`) and its recent
 * state changes.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "@sonde/shared/db";
import { NotFoundError, ValidationError } from "@sonde/shared/errors";
import type { CheckInfo, ServiceDetail } from "@sonde/shared/api";
import { toState } from "./status_tree.ts";
import { statusEvents } from "./status_events.ts";

/** State changes returned with a service. */
export const SERVICE_EVENTS = 50;

function text(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  return undefined;
}

function paramsOf(v: unknown): Record<string, unknown> {
  if (typeof v === "string") {
    try {
      return paramsOf(JSON.parse(v));
    } catch {
      return {};
    }
  }
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {};
}

/** Loads service `id`; throws `NotFoundError` when there is none. */
export async function serviceDetail(db: Kysely<Database>, id: number): Promise<ServiceDetail> {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new ValidationError(`id: must be a positive integer: current value is ${JSON.stringify(id)}`);
  }
  const svc = await db.selectFrom("service")
    .leftJoin("agent", "agent.id", "service.agent_id")
    .select(["service.id", "service.name", "service.agent_id", "agent.name as agent_name"])
    .where("service.id", "=", id).executeTakeFirst();
  if (!svc) throw new NotFoundError(`Cannot find service ${id}: no such service`);
  const [checks, status, events] = await Promise.all([
    db.selectFrom("service_check")
      .select(["id", "name", "type", "interval_ms", "params"])
      .where("service_id", "=", id).orderBy("id").execute(),
    db.selectFrom("object_status").select(["state", "since", "cause"])
      .where("object_id", "=", `s:${id}`).executeTakeFirst(),
    statusEvents(db, { objectId: `s:${id}`, limit: SERVICE_EVENTS }),
  ]);
  const results = svc.agent_id === null || checks.length === 0 ? [] : await db.selectFrom("check_state")
    .select(["check_id", "ts", "state", "message"])
    .where("agent_id", "=", svc.agent_id)
    .where("check_id", "in", checks.map((c) => `c${c.id}`)).execute();
  const byCheck = new Map(results.map((r) => [r.check_id, r]));
  const infos = checks.map((c): CheckInfo => {
    const params = paramsOf(c.params);
    const r = byCheck.get(`c${c.id}`);
    const info: CheckInfo = {
      id: c.id,
      name: c.name,
      type: c.type,
      state: r ? toState(r.state) : "UNKNOWN",
      message: r ? r.message : "no result yet",
      intervalMs: c.interval_ms,
      params,
    };
    if (r) info.lastRunAt = new Date(r.ts).toISOString();
    const key = text(params.counterKey) ?? (c.type === "counter" ? text(params.key) : undefined);
    if (key !== undefined) info.counterKey = key;
    const warn = text(params.warn);
    const crit = text(params.crit);
    if (warn !== undefined) info.warn = warn;
    if (crit !== undefined) info.crit = crit;
    return info;
  });
  const detail: ServiceDetail = {
    id: svc.id,
    name: svc.name,
    agentId: svc.agent_id ?? 0,
    agentName: svc.agent_name ?? "",
    state: status ? toState(status.state) : "UNKNOWN",
    since: status ? new Date(status.since).toISOString() : new Date().toISOString(),
    checks: infos,
    events,
  };
  if (status?.cause) detail.cause = status.cause;
  return detail;
}
