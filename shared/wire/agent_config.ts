/**
 * The configuration the Server hands each agent (and that an agent may read from a local file): which
 * counters to collect, which service checks to run, and which telemetry to forward.
 * {@linkcode parseAgentConfig} validates untrusted input, lists every problem at once and fills defaults.
 *
 * This file is the wire shape, one validator per section and one table of per-check-type parameter
 * validators; it is past the 500-line mark because the shape and its validator belong together. The
 * generic `Reader` below would move to its own shared module if other wire parsers want it.
 *
 * @example
 * ```ts
 * import { parseAgentConfig } from "@sonde/shared/wire/agent_config";
 * const config = parseAgentConfig({
 *   version: 3,
 *   checks: [{ id: "web", type: "http", intervalMs: "30s", params: { url: "https://example.org/" } }],
 * });
 * config.counters.intervalMs; // 10000
 * ```
 * @module
 */
import { ValidationError } from "../errors.ts";
import { parseDuration } from "../units.ts";

/** Names of the built-in counter sources. */
export const COUNTER_SOURCES = [
  "cpu",
  "load",
  "memory",
  "swap",
  "filesystem",
  "disk",
  "network",
  "process",
  "uptime",
] as const;
/** One built-in counter source name. */
export type CounterSourceName = typeof COUNTER_SOURCES[number];

/** Per-source override: its own interval, or switched on/off regardless of `defaults`. */
export interface SourceOverride {
  intervalMs?: number;
  enabled?: boolean;
}

/** Processes to watch: `match` is a substring of the process name, or `/regex/flags` on the command line. */
export interface ProcessMatch {
  name: string;
  match: string;
}

/** A formula counter: `expr` is arithmetic over counter keys (`100 * mem.used / mem.total`). */
export interface FormulaSpec {
  key: string;
  expr: string;
  unit?: string;
}

/** What the agent collects as counters. */
export interface CountersConfig {
  /** Collect the default source set (every source but `process`, which runs when `processes` is set). */
  defaults: boolean;
  /** Default interval of every source, ms. */
  intervalMs: number;
  sources?: Partial<Record<CounterSourceName, SourceOverride>>;
  processes?: ProcessMatch[];
  formulas?: FormulaSpec[];
}

/** HTTP(S) check. Thresholds are Nagios ranges (`warnMs: "500"` alerts above 500 ms). */
export interface HttpParams {
  url: string;
  /** Default `GET`. */
  method: string;
  headers?: Record<string, string>;
  body?: string;
  /** Accepted status codes; default any 2xx or 3xx. */
  expectStatus?: number[];
  /** Substring that must occur in the body. */
  keyword?: string;
  /** Regular expression (`/…/flags` or bare) that must match the body. */
  regex?: string;
  warnMs?: string;
  critMs?: string;
  /** WARNING / CRITICAL when the TLS certificate expires within this many days. */
  certWarnDays?: number;
  certCritDays?: number;
  /** Verify the server certificate (default true). */
  tlsVerify: boolean;
  /**
   * Redirects (301, 302, 303, 307, 308 with a `Location`) followed before judging the answer, at most this
   * many (0–20). Default 0: the redirect itself is the answer, as `check_http` does without `-f follow`.
   */
  followRedirects: number;
}

/** TCP connect check with optional send / expect. */
export interface TcpParams {
  host: string;
  port: number;
  send?: string;
  expect?: string;
  warnMs?: string;
  critMs?: string;
}

/** Process-present check: count of matching processes against ranges (default `crit: "1:"`). */
export interface ProcessParams {
  match: string;
  warn?: string;
  crit?: string;
}

/** Filesystem-free check on the filesystem holding `path`. */
export interface FilesystemParams {
  path: string;
  /** Compare free percent (default) or free bytes against the ranges. */
  measure: "free_pct" | "free_bytes";
  warn?: string;
  crit?: string;
}

/** Counter-threshold check against the latest collected value of `key`. */
export interface CounterParams {
  key: string;
  warn?: string;
  crit?: string;
}

/** Command check with the Nagios plugin contract. `command` is argv (no shell). */
export interface CommandParams {
  command: string[];
  env?: Record<string, string>;
}

/**
 * SNMP value check: one OID read with GET (SNMP v1 or v2c) and judged like a Nagios check_snmp: numeric
 * values against `warn` / `crit` ranges, text against `expect` (substring) or `regex`.
 */
export interface SnmpParams {
  host: string;
  /** Default 161. */
  port: number;
  /** Default `public`. */
  community: string;
  /** Default `2c`. */
  version: "1" | "2c";
  /** Numeric OID, e.g. `1.3.6.1.2.1.25.1.6.0`. */
  oid: string;
  /** Perfdata label; default the OID. */
  label?: string;
  warn?: string;
  crit?: string;
  expect?: string;
  regex?: string;
}

/** Parameters of each check type. */
export interface CheckParamsByType {
  http: HttpParams;
  tcp: TcpParams;
  process: ProcessParams;
  filesystem: FilesystemParams;
  counter: CounterParams;
  command: CommandParams;
  snmp: SnmpParams;
}
/** A check type name. */
export type CheckTypeName = keyof CheckParamsByType;

/** A check of one type. */
export interface CheckSpecOf<T extends CheckTypeName> {
  id: string;
  type: T;
  intervalMs: number;
  timeoutMs: number;
  params: CheckParamsByType[T];
}
/** Any check. */
export type CheckSpec = { [T in CheckTypeName]: CheckSpecOf<T> }[CheckTypeName];

/** A telemetry recording session forwarded at a raised level until `untilMs`. */
export interface TelemetrySession {
  id: string;
  appName?: string;
  filter?: string;
  level: number;
  untilMs: number;
}

/** Which telemetry the agent forwards. */
export interface TelemetryConfig {
  level: number;
  levels?: Record<string, number>;
  sessions?: TelemetrySession[];
}

/** The whole agent configuration. */
export interface AgentConfig {
  version: number;
  counters: CountersConfig;
  checks: CheckSpec[];
  maxConcurrentChecks: number;
  telemetry: TelemetryConfig;
}

/** The configuration of an agent that has none yet: default counters, no checks. */
export function defaultAgentConfig(): AgentConfig {
  return {
    version: 0,
    counters: { defaults: true, intervalMs: 10_000 },
    checks: [],
    maxConcurrentChecks: 4,
    telemetry: { level: 50 },
  };
}

type Obj = Record<string, unknown>;

/** Collects problems and reads typed fields of untrusted objects. */
class Reader {
  readonly problems: string[] = [];

  fail(path: string, why: string, value?: unknown): undefined {
    const shown = value === undefined ? "" : `: current value is ${JSON.stringify(value) ?? String(value)}`;
    this.problems.push(`${path}: ${why}${shown}`);
    return undefined;
  }

  obj(value: unknown, path: string, known?: readonly string[]): Obj | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return this.fail(path, "must be an object", value);
    }
    for (const key of Object.keys(value)) {
      if (known && !known.includes(key)) {
        this.fail(`${path}.${key}`, `unknown field (known: ${known.join(", ")})`);
      }
    }
    return value as Obj;
  }

  str(o: Obj, key: string, path: string, required = false): string | undefined {
    const v = o[key];
    if (v === undefined) return required ? this.fail(`${path}.${key}`, "is required") : undefined;
    if (typeof v !== "string" || v === "") {
      return this.fail(`${path}.${key}`, "must be a non-empty string", v);
    }
    return v;
  }

  num(o: Obj, key: string, path: string, min: number, max: number, integer = true): number | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (
      typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max
    ) {
      return this.fail(
        `${path}.${key}`,
        `must be ${integer ? "an integer" : "a number"} in ${min}..${max}`,
        v,
      );
    }
    return v;
  }

  bool(o: Obj, key: string, path: string): boolean | undefined {
    const v = o[key];
    if (v === undefined || typeof v === "boolean") return v;
    return this.fail(`${path}.${key}`, "must be true or false", v);
  }

  /** A duration as milliseconds or a string like "30s"; at least `minMs`. */
  duration(o: Obj, key: string, path: string, minMs: number): number | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    try {
      const ms = typeof v === "number" || typeof v === "string" ? parseDuration(v) : NaN;
      if (ms >= minMs) return ms;
    } catch { /* reported below */ }
    return this.fail(`${path}.${key}`, `must be a duration of at least ${minMs} ms (e.g. 30000 or "30s")`, v);
  }

  /** A Nagios range string (`10`, `10:`, `~:10`, `10:20`, `@10:20`). */
  range(o: Obj, key: string, path: string): string | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v === "number" && Number.isFinite(v)) return String(v);
    if (typeof v === "string" && isNagiosRange(v)) return v;
    return this.fail(
      `${path}.${key}`,
      'must be a Nagios range like "10", "10:", "~:10", "10:20" or "@10:20"',
      v,
    );
  }

  regex(o: Obj, key: string, path: string): string | undefined {
    const v = this.str(o, key, path);
    if (v === undefined) return undefined;
    try {
      toRegExp(v);
      return v;
    } catch (e) {
      return this.fail(`${path}.${key}`, `must be a valid regular expression (${(e as Error).message})`, v);
    }
  }

  /** A process matcher: a name substring, or `/regex/flags` on the command line. */
  matcher(o: Obj, key: string, path: string): string {
    const v = this.str(o, key, path, true);
    if (v === undefined || !/^\/.*\/[a-z]*$/s.test(v)) return v ?? "";
    return this.regex(o, key, path) ?? "";
  }

  strMap(o: Obj, key: string, path: string): Record<string, string> | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    const m = this.obj(v, `${path}.${key}`);
    if (!m) return undefined;
    for (const [k, x] of Object.entries(m)) {
      if (typeof x !== "string") this.fail(`${path}.${key}.${k}`, "must be a string", x);
    }
    return m as Record<string, string>;
  }

  list(o: Obj, key: string, path: string): unknown[] | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) return this.fail(`${path}.${key}`, "must be an array", v);
    return v;
  }
}

const NUM = String.raw`[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?`;
const RANGE_RE = new RegExp(`^@?((${NUM}|~)?:)?(${NUM})?$`);

/** Whether `text` is a well-formed Nagios threshold range with start ≤ end. */
export function isNagiosRange(text: string): boolean {
  const t = text.trim();
  if (t === "" || t === "@" || !RANGE_RE.test(t)) return false;
  const body = t.startsWith("@") ? t.slice(1) : t;
  const [a, b] = body.includes(":") ? body.split(":") : ["0", body];
  if (a === "~" || a === "" || b === "") return true;
  return Number(a) <= Number(b);
}

/** Compiles `/source/flags` or a bare pattern into a RegExp. */
export function toRegExp(text: string): RegExp {
  const m = /^\/(.*)\/([dgimsuvy]*)$/s.exec(text);
  return m ? new RegExp(m[1]!, m[2]) : new RegExp(text);
}

type ParamsReader<T extends CheckTypeName> = (r: Reader, o: Obj, path: string) => CheckParamsByType[T];

const PARAMS: { [T in CheckTypeName]: { fields: readonly string[]; read: ParamsReader<T> } } = {
  http: {
    fields:
      ("url method headers body expectStatus keyword regex warnMs critMs certWarnDays certCritDays tlsVerify " +
        "followRedirects").split(" "),
    read: (r, o, p) => {
      const url = r.str(o, "url", p, true);
      if (url !== undefined && !/^https?:\/\/[^/\s]+/i.test(url)) {
        r.fail(`${p}.url`, "must be an http(s) URL", url);
      }
      const expectStatus = r.list(o, "expectStatus", p);
      expectStatus?.forEach((s, i) => {
        if (!Number.isInteger(s) || (s as number) < 100 || (s as number) > 599) {
          r.fail(`${p}.expectStatus[${i}]`, "must be an HTTP status 100..599", s);
        }
      });
      return {
        url: url ?? "",
        method: (r.str(o, "method", p) ?? "GET").toUpperCase(),
        headers: r.strMap(o, "headers", p),
        body: r.str(o, "body", p),
        expectStatus: expectStatus as number[] | undefined,
        keyword: r.str(o, "keyword", p),
        regex: r.regex(o, "regex", p),
        warnMs: r.range(o, "warnMs", p),
        critMs: r.range(o, "critMs", p),
        certWarnDays: r.num(o, "certWarnDays", p, 0, 3650),
        certCritDays: r.num(o, "certCritDays", p, 0, 3650),
        tlsVerify: r.bool(o, "tlsVerify", p) ?? true,
        followRedirects: r.num(o, "followRedirects", p, 0, 20) ?? 0,
      };
    },
  },
  tcp: {
    fields: ["host", "port", "send", "expect", "warnMs", "critMs"],
    read: (r, o, p) => {
      const port = r.num(o, "port", p, 1, 65535);
      if (o.port === undefined) r.fail(`${p}.port`, "is required");
      return {
        host: r.str(o, "host", p) ?? "127.0.0.1",
        port: port ?? 0,
        send: r.str(o, "send", p),
        expect: r.str(o, "expect", p),
        warnMs: r.range(o, "warnMs", p),
        critMs: r.range(o, "critMs", p),
      };
    },
  },
  process: {
    fields: ["match", "warn", "crit"],
    read: (r, o, p) => ({
      match: r.matcher(o, "match", p),
      warn: r.range(o, "warn", p),
      crit: r.range(o, "crit", p) ?? "1:",
    }),
  },
  filesystem: {
    fields: ["path", "measure", "warn", "crit"],
    read: (r, o, p) => {
      const measure = o.measure ?? "free_pct";
      if (measure !== "free_pct" && measure !== "free_bytes") {
        r.fail(`${p}.measure`, 'must be "free_pct" or "free_bytes"', measure);
      }
      return {
        path: r.str(o, "path", p) ?? "/",
        measure: measure === "free_bytes" ? "free_bytes" : "free_pct",
        warn: r.range(o, "warn", p),
        crit: r.range(o, "crit", p),
      };
    },
  },
  counter: {
    fields: ["key", "warn", "crit"],
    read: (r, o, p) => ({
      key: r.str(o, "key", p, true) ?? "",
      warn: r.range(o, "warn", p),
      crit: r.range(o, "crit", p),
    }),
  },
  snmp: {
    fields: ["host", "port", "community", "version", "oid", "label", "warn", "crit", "expect", "regex"],
    read: (r, o, p) => {
      const oid = r.str(o, "oid", p, true);
      if (oid !== undefined && !/^\.?[0-9]+(\.[0-9]+)+$/.test(oid)) {
        r.fail(`${p}.oid`, "must be a numeric OID like 1.3.6.1.2.1.1.3.0", oid);
      }
      const version = r.str(o, "version", p) ?? "2c";
      if (version !== "1" && version !== "2c") r.fail(`${p}.version`, 'must be "1" or "2c"', version);
      return {
        host: r.str(o, "host", p) ?? "127.0.0.1",
        port: r.num(o, "port", p, 1, 65535) ?? 161,
        community: r.str(o, "community", p) ?? "public",
        version: version === "1" ? "1" : "2c",
        oid: (oid ?? "").replace(/^\./, ""),
        label: r.str(o, "label", p),
        warn: r.range(o, "warn", p),
        crit: r.range(o, "crit", p),
        expect: r.str(o, "expect", p),
        regex: r.regex(o, "regex", p),
      };
    },
  },
  command: {
    fields: ["command", "env"],
    read: (r, o, p) => {
      const argv = o.command;
      if (argv === undefined) r.fail(`${p}.command`, "is required");
      else if (
        !Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === "string") ||
        argv[0] === ""
      ) {
        r.fail(`${p}.command`, "must be a non-empty array of strings (argv, no shell)", argv);
      }
      return { command: Array.isArray(argv) ? argv as string[] : [], env: r.strMap(o, "env", p) };
    },
  },
};

function readCheck(r: Reader, raw: unknown, path: string, ids: Set<string>): CheckSpec | undefined {
  const o = r.obj(raw, path, ["id", "type", "intervalMs", "timeoutMs", "params"]);
  if (!o) return undefined;
  const id = r.str(o, "id", path, true);
  if (id !== undefined && ids.has(id)) r.fail(`${path}.id`, "must be unique among checks", id);
  if (id !== undefined) ids.add(id);
  const type = o.type as CheckTypeName;
  const table = typeof type === "string" && Object.hasOwn(PARAMS, type) ? PARAMS[type] : undefined;
  if (!table) return r.fail(`${path}.type`, `must be one of ${Object.keys(PARAMS).join(", ")}`, o.type);
  const intervalMs = r.duration(o, "intervalMs", path, 1000) ?? 60_000;
  const timeoutMs = r.duration(o, "timeoutMs", path, 1) ?? Math.min(10_000, intervalMs);
  const params = r.obj(o.params ?? {}, `${path}.params`, table.fields);
  if (!params) return undefined;
  const read = table.read as ParamsReader<CheckTypeName>;
  return {
    id: id ?? "",
    type,
    intervalMs,
    timeoutMs,
    params: read(r, params, `${path}.params`),
  } as CheckSpec;
}

function readCounters(r: Reader, raw: unknown): CountersConfig {
  const path = "counters";
  const o = r.obj(raw ?? {}, path, ["defaults", "intervalMs", "sources", "processes", "formulas"]) ?? {};
  const out: CountersConfig = {
    defaults: r.bool(o, "defaults", path) ?? true,
    intervalMs: r.duration(o, "intervalMs", path, 100) ?? 10_000,
  };
  if (o.sources !== undefined) {
    const s = r.obj(o.sources, `${path}.sources`, COUNTER_SOURCES) ?? {};
    out.sources = {};
    for (const name of COUNTER_SOURCES) {
      if (s[name] === undefined) continue;
      const p = `${path}.sources.${name}`;
      const so = r.obj(s[name], p, ["intervalMs", "enabled"]);
      if (so) {
        out.sources[name] = {
          intervalMs: r.duration(so, "intervalMs", p, 100),
          enabled: r.bool(so, "enabled", p),
        };
      }
    }
  }
  const processes = r.list(o, "processes", path);
  if (processes) {
    out.processes = processes.map((x, i) => {
      const p = `${path}.processes[${i}]`;
      const po = r.obj(x, p, ["name", "match"]) ?? {};
      const name = r.str(po, "name", p, true) ?? "";
      if (/[\s]/.test(name)) {
        r.fail(`${p}.name`, "must not contain whitespace (it becomes a counter key)", name);
      }
      return { name, match: r.matcher(po, "match", p) };
    });
  }
  const formulas = r.list(o, "formulas", path);
  if (formulas) {
    out.formulas = formulas.map((x, i) => {
      const p = `${path}.formulas[${i}]`;
      const fo = r.obj(x, p, ["key", "expr", "unit"]) ?? {};
      const unit = fo.unit === undefined
        ? undefined
        : typeof fo.unit === "string"
        ? fo.unit
        : r.fail(`${p}.unit`, "must be a string", fo.unit);
      return { key: r.str(fo, "key", p, true) ?? "", expr: r.str(fo, "expr", p, true) ?? "", unit };
    });
  }
  return out;
}

function readTelemetry(r: Reader, raw: unknown): TelemetryConfig {
  const path = "telemetry";
  const o = r.obj(raw ?? {}, path, ["level", "levels", "sessions"]) ?? {};
  const out: TelemetryConfig = { level: r.num(o, "level", path, 0, 255) ?? 50 };
  if (o.levels !== undefined) {
    const lv = r.obj(o.levels, `${path}.levels`) ?? {};
    out.levels = {};
    for (const app of Object.keys(lv)) {
      const n = r.num(lv, app, `${path}.levels`, 0, 255);
      if (n !== undefined) out.levels[app] = n;
    }
  }
  const sessions = r.list(o, "sessions", path);
  if (sessions) {
    out.sessions = sessions.map((x, i) => {
      const p = `${path}.sessions[${i}]`;
      const so = r.obj(x, p, ["id", "appName", "filter", "level", "untilMs"]) ?? {};
      if (so.level === undefined) r.fail(`${p}.level`, "is required");
      if (so.untilMs === undefined) r.fail(`${p}.untilMs`, "is required");
      return {
        id: r.str(so, "id", p, true) ?? "",
        appName: r.str(so, "appName", p),
        filter: r.str(so, "filter", p),
        level: r.num(so, "level", p, 0, 255) ?? 0,
        untilMs: r.num(so, "untilMs", p, 0, Number.MAX_SAFE_INTEGER) ?? 0,
      };
    });
  }
  return out;
}

/**
 * Validates an agent configuration and fills defaults.
 * @throws {ValidationError} listing every problem, e.g.
 * `checks[2].params.url: must be an http(s) URL: current value is "x"`.
 */
export function parseAgentConfig(value: unknown): AgentConfig {
  const r = new Reader();
  const o = r.obj(value, "config", ["version", "counters", "checks", "maxConcurrentChecks", "telemetry"]);
  if (!o) throw new ValidationError(r.problems);
  const version = r.num(o, "version", "config", 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const counters = readCounters(r, o.counters);
  const ids = new Set<string>();
  const checks = (r.list(o, "checks", "config") ?? [])
    .map((c, i) => readCheck(r, c, `checks[${i}]`, ids))
    .filter((c): c is CheckSpec => c !== undefined);
  const maxConcurrentChecks = r.num(o, "maxConcurrentChecks", "config", 1, 1000) ?? 4;
  const telemetry = readTelemetry(r, o.telemetry);
  if (r.problems.length > 0) throw new ValidationError(r.problems.map((p) => p.replace(/^config\./, "")));
  return { version, counters, checks, maxConcurrentChecks, telemetry };
}
