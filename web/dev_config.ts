/**
 * DEVELOPMENT FIXTURE: configuration edits on the in-memory {@linkcode ConfigDocument} of the
 * development backend (validated by `dev_validate.ts`), and the fixture agents, checks and document.
 * @module
 */
import { NotFoundError, ValidationError } from "@sonde/shared/errors";
import type { AgentInfo, ConfigDocument, ConfigKind } from "./backend.ts";
import type { DevGroup, DevService } from "./dev_data.ts";
import { validateConfigObject } from "./dev_validate.ts";

/** Creates (`id` null) or replaces an object in `config`; returns the stored object. */
export function putConfig(
  config: ConfigDocument,
  kind: ConfigKind,
  id: number | null,
  body: unknown,
): unknown {
  const obj = validateConfigObject(kind, body);
  if (kind === "settings") {
    config.settings = obj as unknown as ConfigDocument["settings"];
    return obj;
  }
  const list = kind === "check"
    ? config.services.flatMap((s) => s.checks as Record<string, unknown>[])
    : config[`${kind === "logPool" ? "logPool" : kind}s` as "agents"];
  if (id === null) {
    const stored = { ...obj, id: 1000 + Math.floor(Math.random() * 1e6) };
    if (kind === "check") {
      const svc = config.services.find((s) => s.id === obj.serviceId);
      if (!svc) throw new ValidationError(`serviceId: no service ${obj.serviceId}`);
      (svc.checks as Record<string, unknown>[]).push(stored);
    } else list.push(stored);
    return stored;
  }
  const current = list.find((x) => x.id === id);
  if (!current) throw new NotFoundError(`Cannot replace ${kind} ${id}: no such ${kind}`);
  for (const k of Object.keys(current)) if (k !== "id") delete current[k];
  Object.assign(current, obj, { id });
  return current;
}

/** Deletes an object from `config`. */
export function deleteConfig(config: ConfigDocument, kind: ConfigKind, id: number): void {
  if (kind === "settings") throw new ValidationError("kind: settings cannot be deleted");
  if (kind === "check") {
    for (const s of config.services) {
      s.checks = (s.checks as { id: number }[]).filter((c) => c.id !== id);
    }
    return;
  }
  const key = `${kind}s` as "agents";
  const before = config[key].length;
  config[key] = config[key].filter((x) => x.id !== id);
  if (before === config[key].length) throw new NotFoundError(`Cannot delete ${kind} ${id}: no such ${kind}`);
}

/** The fixture agents: reachable, unreachable, with a changed certificate, older version. */
export function devAgents(): AgentInfo[] {
  const iso = (ago: number) => new Date(Date.now() - ago).toISOString();
  const fp = (s: number) =>
    Array.from(
      { length: 32 },
      (_, i) => ((i * 37 + s * 11) % 256).toString(16).padStart(2, "0").toUpperCase(),
    ).join(":");
  return [
    {
      id: 1,
      name: "web-01",
      address: "10.0.0.11:4100",
      state: "ok",
      lastPullAt: iso(4000),
      lagRecords: 12,
      lagSeconds: 4,
      version: "0.1.0",
      fingerprint: fp(1),
      configVersion: 7,
    },
    {
      id: 2,
      name: "web-02",
      address: "10.0.0.12:4100",
      state: "unreachable",
      lastPullAt: iso(1_380_000),
      lagRecords: 48_213,
      lagSeconds: 1380,
      version: "0.1.0",
      fingerprint: fp(2),
      configVersion: 6,
    },
    {
      id: 3,
      name: "db-01",
      address: "10.0.0.21:4100",
      state: "fingerprint_changed",
      lastPullAt: iso(600_000),
      lagRecords: 2_190,
      lagSeconds: 600,
      version: "0.1.0",
      fingerprint: fp(3),
      pendingFingerprint: fp(9),
      configVersion: 7,
    },
    {
      id: 4,
      name: "app-01",
      address: "10.0.0.31:4100",
      state: "ok",
      lastPullAt: iso(2000),
      lagRecords: 0,
      lagSeconds: 0,
      version: "0.0.9",
      fingerprint: fp(4),
      configVersion: 7,
    },
  ];
}

/** The checks of a fixture service with their last results. */
export function devChecks(s: DevService) {
  const at = new Date(Date.now() - 20_000).toISOString();
  return [
    {
      id: s.id * 10 + 1,
      name: "CPU busy",
      type: "counter",
      counterKey: "cpu.busy_pct",
      warn: "80",
      crit: "95",
      state: s.state === "WARNING" ? "WARNING" as const : "OK" as const,
      message: s.state === "WARNING" ? s.cause! : "cpu.busy_pct 41.0 %",
      lastRunAt: at,
      intervalMs: 30_000,
      params: { key: "cpu.busy_pct", warn: "80", crit: "95" },
    },
    {
      id: s.id * 10 + 2,
      name: "Memory used",
      type: "counter",
      counterKey: "mem.used_pct",
      warn: "85",
      crit: "95",
      state: "OK" as const,
      message: "mem.used_pct 62.4 %",
      lastRunAt: at,
      intervalMs: 30_000,
      params: { key: "mem.used_pct", warn: "85", crit: "95" },
    },
    {
      id: s.id * 10 + 3,
      name: "HTTP health",
      type: "http",
      state: s.state === "CRITICAL"
        ? "CRITICAL" as const
        : s.state === "UNKNOWN"
        ? "UNKNOWN" as const
        : "OK" as const,
      message: s.state === "CRITICAL" ? s.cause! : s.state === "UNKNOWN" ? s.cause! : "200 OK in 84 ms",
      lastRunAt: at,
      intervalMs: 60_000,
      params: { url: "https://shop.example.com/health", keyword: "ok" },
    },
  ];
}

/** The configuration document of the fixture inventory. */
export function devConfig(groups: DevGroup[], services: DevService[], agents: AgentInfo[]): ConfigDocument {
  return {
    agents: agents.map((a) => ({ id: a.id, name: a.name, address: a.address })),
    groups: groups.map((g) => ({ ...g })),
    services: services.slice(0, 200).map((s) => ({
      id: s.id,
      name: s.name,
      groupId: s.groupId,
      agentId: s.agentId,
      checks: devChecks(s).map((c) => ({
        id: c.id,
        name: c.name,
        type: c.type,
        intervalMs: c.intervalMs,
        timeoutMs: 10_000,
        enabled: true,
        params: c.params,
      })),
    })),
    logPools: [{
      id: 1,
      name: "shop",
      applications: ["shop"],
      levelThreshold: 50,
      retentionDays: 14,
      columns: [{ name: "url", parameter: "url", type: "string" }, {
        name: "user",
        parameter: "user",
        type: "string",
      }, { name: "httpStatus", parameter: "httpStatus", type: "int32" }],
    }],
    settings: {
      name: "Sonde (development)",
      url: "http://127.0.0.1:8080",
      timeZone: "Europe/Vienna",
      retentionDays: { counters: 30, requests: 14, telemetry: 7 },
    },
  };
}
