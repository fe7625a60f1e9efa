/**
 * Validation of configuration objects (agents, groups, services, checks, settings) as users and
 * configuration files send them. Every problem is reported with its field path.
 * @module
 */
import { ValidationError } from "@sonde/shared/errors";
import { parseAgentConfig } from "@sonde/shared/wire/agent_config";
import { parseDuration } from "@sonde/shared/units";

type Obj = Record<string, unknown>;

/** An agent as configured. */
export interface AgentDef {
  id?: number;
  name: string;
  address: string;
}

/** How a group's state rolls up: worst child, or CRITICAL only when ≥ criticalPct % of children are. */
export type GroupRule = { type: "worst" } | { type: "percent"; criticalPct: number; warningPct?: number };

/** A service group. */
export interface GroupDef {
  id?: number;
  name: string;
  parentId: number | null;
  description: string;
  rule: GroupRule;
}

/** A check of a service. */
export interface CheckDef {
  id?: number;
  serviceId?: number;
  name: string;
  type: string;
  intervalMs: number;
  timeoutMs: number;
  enabled: boolean;
  params: Obj;
}

/** A service bound to one agent. */
export interface ServiceDef {
  id?: number;
  name: string;
  agentId: number | null;
  groupId: number | null;
  description: string;
  checks?: CheckDef[];
}

/** Server settings. */
export interface SettingsDef {
  name: string;
  url: string;
  timeZone: string;
  retentionDays: {
    counters: number;
    counters1m: number;
    counters1h: number;
    requests: number;
    telemetry: number;
  };
}

/** Defaults of the server settings. */
export const DEFAULT_SETTINGS: SettingsDef = {
  name: "Sonde",
  url: "http://127.0.0.1:8080",
  timeZone: "UTC",
  retentionDays: { counters: 14, counters1m: 90, counters1h: 730, requests: 30, telemetry: 30 },
};

/** Collects problems while reading an untrusted object. */
export class Problems {
  readonly list: string[] = [];
  add(path: string, why: string, value?: unknown): void {
    this.list.push(
      `${path}: ${why}${value === undefined ? "" : `: current value is ${JSON.stringify(value)}`}`,
    );
  }
  obj(v: unknown, path: string, known: string[]): Obj {
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      this.add(path || "body", "must be an object", v);
      return {};
    }
    for (const k of Object.keys(v)) {
      if (!known.includes(k)) this.add(path ? `${path}.${k}` : k, "is not a known field");
    }
    return v as Obj;
  }
  str(
    o: Obj,
    key: string,
    path: string,
    opts: { required?: boolean; max?: number; fallback?: string } = {},
  ): string {
    const v = o[key];
    const p = path ? `${path}.${key}` : key;
    if (v === undefined || v === null) {
      if (opts.required) this.add(p, "is required");
      return opts.fallback ?? "";
    }
    if (typeof v !== "string") {
      this.add(p, "must be a string", v);
      return opts.fallback ?? "";
    }
    if (opts.required && v.trim() === "") this.add(p, "must not be empty");
    if (v.length > (opts.max ?? 500)) this.add(p, `must be at most ${opts.max ?? 500} characters`);
    return v;
  }
  id(o: Obj, key: string, path: string, required = false): number | null {
    const v = o[key];
    const p = path ? `${path}.${key}` : key;
    if (v === undefined || v === null) {
      if (required) this.add(p, "is required");
      return null;
    }
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
      this.add(p, "must be a positive integer id", v);
      return null;
    }
    return v;
  }
  duration(o: Obj, key: string, path: string, fallback: number, min: number): number {
    const v = o[key];
    const p = path ? `${path}.${key}` : key;
    if (v === undefined || v === null) return fallback;
    try {
      const ms = parseDuration(v as string | number);
      if (ms < min) this.add(p, `must be at least ${min} ms`, v);
      return ms;
    } catch {
      this.add(p, 'must be a duration such as "30s" or a number of milliseconds', v);
      return fallback;
    }
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw new ValidationError(this.list);
  }
}

const ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

/** Validates an agent definition. */
export function readAgent(v: unknown, p = new Problems(), path = ""): AgentDef {
  const o = p.obj(v, path, ["id", "name", "address"]);
  const name = p.str(o, "name", path, { required: true, max: 200 });
  const address = p.str(o, "address", path, { required: true });
  const m = ADDRESS.exec(address);
  if (address && (!m || Number(m[2]) > 65535 || Number(m[2]) === 0)) {
    p.add(`${path ? path + "." : ""}address`, "must be HOST:PORT of the agent's pull endpoint", address);
  }
  return { id: p.id(o, "id", path) ?? undefined, name, address };
}

function readRule(v: unknown, p: Problems, path: string): GroupRule {
  if (v === undefined || v === null) return { type: "worst" };
  const o = p.obj(v, path, ["type", "criticalPct", "warningPct"]);
  if (o.type === "worst") return { type: "worst" };
  if (o.type !== "percent") {
    p.add(`${path}.type`, 'must be "worst" or "percent"', o.type);
    return { type: "worst" };
  }
  const pct = (key: string, required: boolean): number | undefined => {
    const x = o[key];
    if (x === undefined && !required) return undefined;
    if (typeof x !== "number" || x < 0 || x > 100) {
      p.add(`${path}.${key}`, "must be a percentage between 0 and 100", x);
      return 0;
    }
    return x;
  };
  const criticalPct = pct("criticalPct", true) ?? 0;
  const warningPct = pct("warningPct", false);
  return warningPct === undefined
    ? { type: "percent", criticalPct }
    : { type: "percent", criticalPct, warningPct };
}

/** Validates a group definition. */
export function readGroup(v: unknown, p = new Problems(), path = ""): GroupDef {
  const o = p.obj(v, path, ["id", "name", "parentId", "description", "rule"]);
  return {
    id: p.id(o, "id", path) ?? undefined,
    name: p.str(o, "name", path, { required: true, max: 200 }),
    parentId: p.id(o, "parentId", path),
    description: p.str(o, "description", path, { max: 2000 }),
    rule: readRule(o.rule, p, path ? `${path}.rule` : "rule"),
  };
}

/** Validates a check definition, its parameters through the agent's own validator. */
export function readCheck(v: unknown, p = new Problems(), path = ""): CheckDef {
  const o = p.obj(v, path, [
    "id",
    "serviceId",
    "name",
    "type",
    "intervalMs",
    "timeoutMs",
    "enabled",
    "params",
  ]);
  const check: CheckDef = {
    id: p.id(o, "id", path) ?? undefined,
    serviceId: p.id(o, "serviceId", path) ?? undefined,
    name: p.str(o, "name", path, { required: true, max: 200 }),
    type: p.str(o, "type", path, { required: true }),
    intervalMs: p.duration(o, "intervalMs", path, 60_000, 1000),
    timeoutMs: p.duration(o, "timeoutMs", path, 10_000, 100),
    enabled: o.enabled === undefined ? true : o.enabled === true,
    params: (typeof o.params === "object" && o.params !== null && !Array.isArray(o.params))
      ? o.params as Obj
      : {},
  };
  if (o.enabled !== undefined && typeof o.enabled !== "boolean") {
    p.add(`${path ? path + "." : ""}enabled`, "must be true or false", o.enabled);
  }
  if (o.params !== undefined && check.params !== o.params) {
    p.add(`${path ? path + "." : ""}params`, "must be an object", o.params);
  }
  if (check.type) {
    try {
      const parsed = parseAgentConfig({
        version: 0,
        checks: [{
          id: "c",
          type: check.type,
          intervalMs: check.intervalMs,
          timeoutMs: check.timeoutMs,
          params: check.params,
        }],
      });
      check.params = parsed.checks[0]!.params as unknown as Obj;
    } catch (e) {
      for (const problem of (e as ValidationError).problems ?? [String(e)]) {
        p.list.push((path ? `${path}.` : "") + problem.replace(/^checks\[0\]\./, ""));
      }
    }
  }
  return check;
}

/** Validates a service definition (with optional `checks`). */
export function readService(v: unknown, p = new Problems(), path = ""): ServiceDef {
  const o = p.obj(v, path, ["id", "name", "agentId", "groupId", "description", "checks"]);
  const svc: ServiceDef = {
    id: p.id(o, "id", path) ?? undefined,
    name: p.str(o, "name", path, { required: true, max: 200 }),
    agentId: p.id(o, "agentId", path),
    groupId: p.id(o, "groupId", path),
    description: p.str(o, "description", path, { max: 2000 }),
  };
  if (o.checks !== undefined) {
    if (!Array.isArray(o.checks)) p.add(`${path ? path + "." : ""}checks`, "must be a list");
    else svc.checks = o.checks.map((c, i) => readCheck(c, p, `${path ? path + "." : ""}checks[${i}]`));
  }
  return svc;
}

/** Validates server settings, filling defaults. */
export function readSettings(v: unknown, p = new Problems(), path = ""): SettingsDef {
  const o = p.obj(v, path, ["name", "url", "timeZone", "retentionDays"]);
  const url = p.str(o, "url", path, { fallback: DEFAULT_SETTINGS.url });
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
  } catch {
    p.add(`${path ? path + "." : ""}url`, "must be an http(s) URL", url);
  }
  const timeZone = p.str(o, "timeZone", path, { fallback: DEFAULT_SETTINGS.timeZone });
  try {
    new Intl.DateTimeFormat("en", { timeZone });
  } catch {
    p.add(`${path ? path + "." : ""}timeZone`, "must be an IANA time zone such as Europe/Vienna", timeZone);
  }
  const rd = { ...DEFAULT_SETTINGS.retentionDays };
  if (o.retentionDays !== undefined) {
    const rpath = `${path ? path + "." : ""}retentionDays`;
    const r = p.obj(o.retentionDays, rpath, Object.keys(rd));
    for (const k of Object.keys(rd) as (keyof typeof rd)[]) {
      if (r[k] === undefined) continue;
      const n = r[k];
      if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 3650) {
        p.add(`${rpath}.${k}`, "must be a whole number of days between 1 and 3650", n);
      } else rd[k] = n;
    }
  }
  return {
    name: p.str(o, "name", path, { fallback: DEFAULT_SETTINGS.name, max: 200 }) || DEFAULT_SETTINGS.name,
    url,
    timeZone,
    retentionDays: rd,
  };
}

/** Runs one reader and throws its problems. */
export function validate<T>(read: (v: unknown, p: Problems) => T, v: unknown): T {
  const p = new Problems();
  const out = read(v, p);
  p.throwIfAny();
  return out;
}
