/**
 * Central configuration in the database: agents, nested service groups, services with their checks,
 * log pools and server settings. A validated API (create / replace / delete per object), export and
 * import of the whole configuration as one document that round-trips, a version number bumped by
 * every change, and each agent's part of it as an `AgentConfig`.
 * @module
 */
import { type Kysely, sql } from "kysely";
import { type Database, getSetting, putSetting } from "@sonde/shared/db";
import { NotFoundError, ValidationError } from "@sonde/shared/errors";
import { type AgentConfig, defaultAgentConfig, parseAgentConfig } from "@sonde/shared/wire/agent_config";
import type { AppRegistration } from "@sonde/shared/wire/types";
import type { ConfigKind } from "@sonde/shared/api";
import {
  type AgentDef,
  type CheckDef,
  DEFAULT_SETTINGS,
  type GroupDef,
  Problems,
  readAgent,
  readCheck,
  readGroup,
  readService,
  readSettings,
  type ServiceDef,
  type SettingsDef,
  validate,
} from "./validate.ts";
import { checkRow, putAgent, putCheck, putGroup, putService, resetSequences } from "./objects.ts";
import { deleteLogPool, listLogPools, type LogPoolDef, putLogPool, readLogPool } from "./log_pools.ts";

/** The whole configuration as one document (configuration as code). */
export interface ConfigDoc {
  version: 1;
  settings: SettingsDef;
  agents: AgentDef[];
  groups: GroupDef[];
  services: (ServiceDef & { checks: CheckDef[] })[];
  logPools: LogPoolDef[];
}

/** Configuration repository. `onChange` runs after every committed change. */
export class ConfigRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly onChange: () => void = () => {},
    /** Counter collection every agent gets (default: the agent defaults, every 10 s). */
    private readonly counters: Partial<AgentConfig["counters"]> = {},
  ) {}

  /** The configuration version agents compare with. */
  async version(): Promise<number> {
    return (await getSetting<number>(this.db, "config_version")) ?? 1;
  }

  /** Sets the configuration version to more than `atLeast` (when an agent runs a newer one). */
  async raiseVersionAbove(atLeast: number): Promise<void> {
    if ((await this.version()) > atLeast) return;
    await putSetting(this.db, "config_version", atLeast + 1);
  }

  /** Bumps the configuration version (agents receive their configuration again). */
  async bumpVersion(): Promise<void> {
    await this.#bump(this.db);
  }

  async #bump(db: Kysely<Database>): Promise<void> {
    await sql`insert into setting (key, value) values ('config_version', '2'::jsonb)
      on conflict (key) do update set value = to_jsonb((setting.value #>> '{}')::int + 1), updated_at = now()`
      .execute(db);
  }

  /** Server settings with defaults. */
  async settings(): Promise<SettingsDef> {
    const s = await getSetting<SettingsDef>(this.db, "server");
    return s
      ? {
        ...DEFAULT_SETTINGS,
        ...s,
        retentionDays: { ...DEFAULT_SETTINGS.retentionDays, ...s.retentionDays },
      }
      : DEFAULT_SETTINGS;
  }

  /** Exports everything. */
  async exportDocument(): Promise<ConfigDoc> {
    const db = this.db;
    const agents = await db.selectFrom("agent").select(["id", "name", "address"]).orderBy("id").execute();
    const groups = await db.selectFrom("service_group").select([
      "id",
      "name",
      "parent_id",
      "description",
      "rule",
    ]).orderBy("id").execute();
    const services = await db.selectFrom("service").select([
      "id",
      "name",
      "agent_id",
      "group_id",
      "description",
    ]).orderBy("id").execute();
    const checks = await db.selectFrom("service_check").selectAll().orderBy("id").execute();
    return {
      version: 1,
      settings: await this.settings(),
      agents: agents.map((a) => ({ id: a.id, name: a.name, address: a.address })),
      groups: groups.map((g) => ({
        id: g.id,
        name: g.name,
        parentId: g.parent_id,
        description: g.description,
        rule: g.rule as GroupDef["rule"],
      })),
      services: services.map((s) => ({
        id: s.id,
        name: s.name,
        agentId: s.agent_id,
        groupId: s.group_id,
        description: s.description,
        checks: checks.filter((c) => c.service_id === s.id).map((c) => ({
          id: c.id,
          name: c.name,
          type: c.type,
          intervalMs: c.interval_ms,
          timeoutMs: c.timeout_ms,
          enabled: c.enabled,
          params: c.params as Record<string, unknown>,
        })),
      })),
      logPools: await listLogPools(db),
    };
  }

  /** Validates a whole document, listing every problem with its path, including broken references. */
  static parseDocument(value: unknown): ConfigDoc {
    const p = new Problems();
    const o = p.obj(value, "", ["version", "settings", "agents", "groups", "services", "logPools"]);
    if (o.version !== undefined && o.version !== 1) p.add("version", "must be 1", o.version);
    const list = (k: string) => {
      if (o[k] === undefined) return [];
      if (!Array.isArray(o[k])) {
        p.add(k, "must be a list");
        return [];
      }
      return o[k] as unknown[];
    };
    const doc: ConfigDoc = {
      version: 1,
      settings: readSettings(o.settings ?? {}, p, "settings"),
      agents: list("agents").map((a, i) => readAgent(a, p, `agents[${i}]`)),
      groups: list("groups").map((g, i) => readGroup(g, p, `groups[${i}]`)),
      services: list("services").map((s, i) => {
        const svc = readService(s, p, `services[${i}]`);
        return { ...svc, checks: svc.checks ?? [] };
      }),
      logPools: list("logPools").map((l, i) => readLogPool(l, p, `logPools[${i}]`)),
    };
    const ids = (items: { id?: number }[], what: string) => {
      const seen = new Set<number>();
      items.forEach((x, i) => {
        if (x.id === undefined) p.add(`${what}[${i}].id`, "is required in a configuration document");
        else if (seen.has(x.id)) p.add(`${what}[${i}].id`, "is used twice", x.id);
        else seen.add(x.id);
      });
      return seen;
    };
    const agentIds = ids(doc.agents, "agents");
    const groupIds = ids(doc.groups, "groups");
    ids(doc.services, "services");
    ids(doc.services.flatMap((s) => s.checks), "checks");
    ids(doc.logPools, "logPools");
    const names = new Set<string>();
    doc.agents.forEach((a, i) => {
      if (names.has(a.name)) p.add(`agents[${i}].name`, "is used twice", a.name);
      names.add(a.name);
    });
    doc.groups.forEach((g, i) => {
      if (g.parentId !== null && !groupIds.has(g.parentId)) {
        p.add(`groups[${i}].parentId`, "names no group of this document", g.parentId);
      }
    });
    doc.services.forEach((s, i) => {
      if (s.agentId !== null && !agentIds.has(s.agentId)) {
        p.add(`services[${i}].agentId`, "names no agent of this document", s.agentId);
      }
      if (s.groupId !== null && !groupIds.has(s.groupId)) {
        p.add(`services[${i}].groupId`, "names no group of this document", s.groupId);
      }
    });
    p.throwIfAny();
    return doc;
  }

  /**
   * Replaces the whole configuration by `value` in one transaction. Agents keep their cursors and
   * pinned fingerprints when their id stays.
   */
  async importDocument(value: unknown): Promise<void> {
    const doc = ConfigRepo.parseDocument(value);
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom("service_check").execute();
      await tx.deleteFrom("service").execute();
      await tx.deleteFrom("service_group").execute();
      await tx.deleteFrom("object_status").execute();
      const keep = doc.agents.map((a) => a.id!);
      if (keep.length > 0) await tx.deleteFrom("agent").where("id", "not in", keep).execute();
      else await tx.deleteFrom("agent").execute();
      for (const a of doc.agents) {
        await tx.insertInto("agent").values({ id: a.id, name: `${a.name} (importing)`, address: a.address })
          .onConflict((oc) =>
            oc.column("id").doUpdateSet({ address: a.address, name: `${a.name} (importing)` })
          ).execute();
      }
      // names were parked to avoid unique clashes while ids moved; set the real ones now
      for (const a of doc.agents) {
        await tx.updateTable("agent").set({ name: a.name }).where("id", "=", a.id!).execute();
      }
      for (const g of doc.groups) {
        await tx.insertInto("service_group").values({
          id: g.id,
          name: g.name,
          parent_id: null,
          description: g.description,
          rule: JSON.stringify(g.rule),
        }).execute();
      }
      for (const g of doc.groups) {
        if (g.parentId !== null) {
          await tx.updateTable("service_group").set({ parent_id: g.parentId }).where("id", "=", g.id!)
            .execute();
        }
      }
      for (const s of doc.services) {
        await tx.insertInto("service").values({
          id: s.id,
          name: s.name,
          agent_id: s.agentId,
          group_id: s.groupId,
          description: s.description,
        }).execute();
        for (const c of s.checks) await tx.insertInto("service_check").values(checkRow(c, s.id!)).execute();
      }
      const poolIds = doc.logPools.map((l) => l.id!);
      for (const old of await listLogPools(tx)) {
        if (!poolIds.includes(old.id!)) await deleteLogPool(tx, old.id!);
      }
      for (const l of doc.logPools) await putLogPool(tx, l);
      await putSetting(tx, "server", doc.settings);
      await resetSequences(tx);
      await this.#bump(tx);
    });
    this.onChange();
  }

  /** Creates (`id` null) or replaces one object; returns the stored object. */
  async put(kind: ConfigKind, id: number | null, body: unknown): Promise<unknown> {
    const withId = (v: unknown) => (id !== null && typeof v === "object" && v !== null ? { ...v, id } : v);
    const stored = await this.db.transaction().execute(async (tx) => {
      let out: unknown;
      switch (kind) {
        case "agent":
          out = await putAgent(tx, validate(readAgent, withId(body)));
          break;
        case "group":
          out = await putGroup(tx, validate(readGroup, withId(body)));
          break;
        case "service":
          out = await putService(tx, validate(readService, withId(body)));
          break;
        case "check":
          out = await putCheck(tx, validate(readCheck, withId(body)));
          break;
        case "logPool": {
          const def = validate(readLogPool, withId(body));
          out = { ...def, id: await putLogPool(tx, def) };
          break;
        }
        case "settings":
          out = validate(readSettings, body);
          await putSetting(tx, "server", out);
          break;
      }
      await this.#bump(tx);
      return out;
    });
    this.onChange();
    return stored;
  }

  /** Deletes one object. */
  async delete(kind: ConfigKind, id: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const table = {
        agent: "agent",
        group: "service_group",
        service: "service",
        check: "service_check",
        logPool: "log_pool",
      } as const;
      if (kind === "settings") throw new ValidationError("settings cannot be deleted");
      if (kind === "logPool") {
        if (!(await deleteLogPool(tx, id))) {
          throw new NotFoundError(`Cannot delete log pool ${id}: no such pool, or it is the default pool`);
        }
      } else {
        const r = await tx.deleteFrom(table[kind]).where("id", "=", id).executeTakeFirst();
        if (Number(r.numDeletedRows) === 0) {
          throw new NotFoundError(`Cannot delete ${kind} ${id}: it does not exist`);
        }
        if (kind === "service") {
          await tx.deleteFrom("object_status").where("object_id", "=", `s:${id}`).execute();
        }
        if (kind === "group") {
          await tx.deleteFrom("object_status").where("object_id", "=", `g:${id}`).execute();
        }
      }
      await this.#bump(tx);
    });
    this.onChange();
  }

  /** The configuration agent `agentId` should run. */
  async agentConfig(
    agentId: number,
    telemetry?: AgentConfig["telemetry"],
  ): Promise<{ version: number; config: AgentConfig }> {
    const version = await this.version();
    const checks = await this.db.selectFrom("service_check").innerJoin(
      "service",
      "service.id",
      "service_check.service_id",
    )
      .select([
        "service_check.id",
        "service_check.type",
        "service_check.interval_ms",
        "service_check.timeout_ms",
        "service_check.params",
      ])
      .where("service.agent_id", "=", agentId).where("service_check.enabled", "=", true).orderBy(
        "service_check.id",
      ).execute();
    const base = defaultAgentConfig();
    const config = parseAgentConfig({
      ...base,
      counters: { ...base.counters, ...this.counters },
      version,
      telemetry: telemetry ?? base.telemetry,
      checks: checks.map((c) => ({
        id: `c${c.id}`,
        type: c.type,
        intervalMs: c.interval_ms,
        timeoutMs: c.timeout_ms,
        params: c.params,
      })),
    });
    return { version, config };
  }

  /**
   * Auto-registration: an application registering through the SDK gets the group `appName appId`,
   * below it a group per `appTierName` and a service per `appTierId`. Returns the service id.
   */
  async ensureAppServices(app: AppRegistration, agentId: number | null): Promise<number> {
    const top = await this.#ensureGroup(
      `app:${app.appName}:${app.appId}`,
      `${app.appName} ${app.appId}`,
      null,
    );
    const tier = await this.#ensureGroup(
      `app:${app.appName}:${app.appId}:${app.appTierName}`,
      app.appTierName,
      top,
    );
    const key = `app:${app.appName}:${app.appId}:${app.appTierName}:${app.appTierId}`;
    const found = await this.db.selectFrom("service").select("id").where("auto_key", "=", key)
      .executeTakeFirst();
    if (found) return found.id;
    await this.db.insertInto("service").values({
      name: app.appTierId,
      agent_id: agentId,
      group_id: tier,
      auto_key: key,
    })
      .onConflict((oc) => oc.column("auto_key").doNothing()).execute();
    await this.#bump(this.db);
    this.onChange();
    return (await this.db.selectFrom("service").select("id").where("auto_key", "=", key)
      .executeTakeFirstOrThrow()).id;
  }

  async #ensureGroup(key: string, name: string, parent: number | null): Promise<number> {
    const found = await this.db.selectFrom("service_group").select("id").where("auto_key", "=", key)
      .executeTakeFirst();
    if (found) return found.id;
    await this.db.insertInto("service_group").values({ name, parent_id: parent, auto_key: key })
      .onConflict((oc) => oc.column("auto_key").doNothing()).execute();
    return (await this.db.selectFrom("service_group").select("id").where("auto_key", "=", key)
      .executeTakeFirstOrThrow()).id;
  }
}
