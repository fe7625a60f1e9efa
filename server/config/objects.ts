/**
 * Writes of single configuration objects inside a transaction (used by the configuration repository):
 * existence checks of references, cycle checks of groups, id sequences after an import.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "@sonde/shared/db";
import { NotFoundError, ValidationError } from "@sonde/shared/errors";
import type { AgentDef, CheckDef, GroupDef, ServiceDef } from "./validate.ts";

const TABLES_WITH_IDS = ["agent", "service_group", "service", "service_check", "log_pool"] as const;

/** Used by the configuration repository. */
export function checkRow(c: CheckDef, serviceId: number) {
  return {
    ...(c.id !== undefined ? { id: c.id } : {}),
    service_id: serviceId,
    name: c.name,
    type: c.type,
    interval_ms: c.intervalMs,
    timeout_ms: c.timeoutMs,
    enabled: c.enabled,
    params: JSON.stringify(c.params),
  };
}

async function exists(
  tx: Kysely<Database>,
  table: "agent" | "service_group" | "service",
  id: number | null,
  what: string,
): Promise<void> {
  if (id === null) return;
  const r = await tx.selectFrom(table).select("id").where("id", "=", id).executeTakeFirst();
  if (!r) {
    throw new ValidationError(
      `${what}: names no existing ${table.replace("_", " ")}: current value is ${id}`,
    );
  }
}

/** Used by the configuration repository. */
export async function putAgent(tx: Kysely<Database>, a: AgentDef): Promise<AgentDef> {
  const clash = await tx.selectFrom("agent").select("id").where("name", "=", a.name).executeTakeFirst();
  if (clash && clash.id !== a.id) throw new ValidationError(`name: another agent is called "${a.name}"`);
  if (a.id === undefined) {
    const r = await tx.insertInto("agent").values({ name: a.name, address: a.address }).returning("id")
      .executeTakeFirstOrThrow();
    return { ...a, id: r.id };
  }
  const r = await tx.updateTable("agent").set({ name: a.name, address: a.address }).where("id", "=", a.id)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) {
    throw new NotFoundError(`Cannot replace agent ${a.id}: it does not exist`);
  }
  return a;
}

/** Used by the configuration repository. */
export async function putGroup(tx: Kysely<Database>, g: GroupDef): Promise<GroupDef> {
  await exists(tx, "service_group", g.parentId, "parentId");
  if (g.id !== undefined && g.parentId !== null) {
    // refuse cycles: walk up from the new parent
    for (let cur: number | null = g.parentId, hops = 0; cur !== null && hops < 1000; hops++) {
      if (cur === g.id) throw new ValidationError("parentId: would make the group its own ancestor");
      const row: { parent_id: number | null } | undefined = await tx.selectFrom("service_group").select(
        "parent_id",
      ).where("id", "=", cur)
        .executeTakeFirst();
      cur = row?.parent_id ?? null;
    }
  }
  const row = {
    name: g.name,
    parent_id: g.parentId,
    description: g.description,
    rule: JSON.stringify(g.rule),
  };
  if (g.id === undefined) {
    const r = await tx.insertInto("service_group").values(row).returning("id").executeTakeFirstOrThrow();
    return { ...g, id: r.id };
  }
  const r = await tx.updateTable("service_group").set(row).where("id", "=", g.id).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) {
    throw new NotFoundError(`Cannot replace group ${g.id}: it does not exist`);
  }
  return g;
}

/** Used by the configuration repository. */
export async function putService(tx: Kysely<Database>, s: ServiceDef): Promise<ServiceDef> {
  await exists(tx, "agent", s.agentId, "agentId");
  await exists(tx, "service_group", s.groupId, "groupId");
  const row = { name: s.name, agent_id: s.agentId, group_id: s.groupId, description: s.description };
  let id = s.id;
  if (id === undefined) {
    id = (await tx.insertInto("service").values(row).returning("id").executeTakeFirstOrThrow()).id;
  } else {
    const r = await tx.updateTable("service").set(row).where("id", "=", id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) {
      throw new NotFoundError(`Cannot replace service ${id}: it does not exist`);
    }
  }
  if (s.checks) {
    await tx.deleteFrom("service_check").where("service_id", "=", id).execute();
    for (const c of s.checks) await tx.insertInto("service_check").values(checkRow(c, id)).execute();
  }
  return { ...s, id };
}

/** Used by the configuration repository. */
export async function putCheck(tx: Kysely<Database>, c: CheckDef): Promise<CheckDef> {
  if (c.serviceId === undefined) throw new ValidationError("serviceId: is required");
  await exists(tx, "service", c.serviceId, "serviceId");
  if (c.id === undefined) {
    const r = await tx.insertInto("service_check").values(checkRow(c, c.serviceId)).returning("id")
      .executeTakeFirstOrThrow();
    return { ...c, id: r.id };
  }
  const { id: _id, ...row } = checkRow(c, c.serviceId);
  const r = await tx.updateTable("service_check").set(row).where("id", "=", c.id).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) {
    throw new NotFoundError(`Cannot replace check ${c.id}: it does not exist`);
  }
  return c;
}

/** Used by the configuration repository. */
export async function resetSequences(tx: Kysely<Database>): Promise<void> {
  for (const t of TABLES_WITH_IDS) {
    await sql`select setval(pg_get_serial_sequence(${t}, 'id'), coalesce((select max(id) from ${
      sql.table(t)
    }), 0) + 1, false)`
      .execute(tx);
  }
}
