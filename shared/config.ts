/**
 * Configuration from a JSON file, the environment and command-line flags (later wins), validated
 * against a schema at start. Every problem is collected and reported together as a
 * {@linkcode ConfigError}; a service's `main.ts` prints it and exits non-zero before starting anything.
 *
 * @example
 * ```ts
 * import { loadConfig, type Schema } from "@sonde/shared/config";
 * const schema = {
 *   data: { type: "path", default: "./data", env: "SONDE_DATA", help: "data folder" },
 *   pullInterval: { type: "duration", default: "10s", help: "how often agents are pulled" },
 * } satisfies Schema;
 * const config = loadConfig(schema, { args: ["--pull-interval", "5s"] });
 * config.pullInterval; // 5000
 * ```
 * @module
 */
import { ConfigError } from "./errors.ts";
import { parseDuration, parseSize } from "./units.ts";

/** The value types a configuration field can have. */
export type FieldType =
  | "string"
  | "path"
  | "int"
  | "number"
  | "bool"
  | "duration"
  | "size"
  | "hostport"
  | "url";

/** One configuration field. */
export interface FieldSpec {
  type: FieldType;
  /** Default value in its written form (`"30s"`, `"64MiB"`), or `undefined` for optional fields. */
  default?: string | number | boolean;
  /** Environment variable that sets it. */
  env?: string;
  /** Flag name without dashes; defaults to the key in kebab-case. */
  flag?: string;
  /** Whether a value must be present. */
  required?: boolean;
  /** Allowed values for `string` fields. */
  values?: readonly string[];
  /** Smallest allowed value for numeric types (after parsing). */
  min?: number;
  /** One line of help. */
  help: string;
}

/** A configuration schema: field name → spec. */
export type Schema = Record<string, FieldSpec>;

type ValueOf<F extends FieldSpec> = F["type"] extends "int" | "number" | "duration" | "size" ? number
  : F["type"] extends "bool" ? boolean
  : F["type"] extends "hostport" ? HostPort
  : string;

/** The parsed configuration of a schema; optional fields without default may be `undefined`. */
export type ConfigOf<S extends Schema> = {
  [K in keyof S]: S[K] extends { default: unknown } | { required: true } ? ValueOf<S[K]>
    : ValueOf<S[K]> | undefined;
};

/** A `host:port` pair. */
export interface HostPort {
  hostname: string;
  port: number;
}

/** Where configuration comes from. */
export interface ConfigSources {
  /** Command-line arguments; `--config FILE` names a JSON file. */
  args?: string[];
  /** Environment lookup; defaults to `Deno.env.get` (errors from missing permissions are ignored). */
  env?: (name: string) => string | undefined;
  /** Parsed file contents (instead of reading `--config`). */
  file?: Record<string, unknown>;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}

function defaultEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** Parses `host:port` (`[::1]:4100`, `127.0.0.1:4100`, `:4100`). */
export function parseHostPort(text: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new SyntaxError(`Cannot parse address "${text}": expected HOST:PORT, e.g. 127.0.0.1:4100`);
  }
  return { hostname: m[1] ?? (m[2] || "127.0.0.1"), port };
}

function convert(spec: FieldSpec, raw: unknown): unknown {
  switch (spec.type) {
    case "string":
    case "path": {
      if (typeof raw !== "string") {
        throw new TypeError(`must be a string: current value is ${JSON.stringify(raw)}`);
      }
      if (spec.values && !spec.values.includes(raw)) {
        throw new RangeError(`must be one of ${spec.values.join(", ")}: current value is "${raw}"`);
      }
      return raw;
    }
    case "url": {
      if (typeof raw !== "string") {
        throw new TypeError(`must be a URL string: current value is ${JSON.stringify(raw)}`);
      }
      try {
        new URL(raw);
      } catch {
        throw new SyntaxError(`must be a URL: current value is "${raw}"`);
      }
      return raw;
    }
    case "int":
    case "number": {
      const n = typeof raw === "number"
        ? raw
        : typeof raw === "string" && raw.trim() !== ""
        ? Number(raw)
        : NaN;
      if (!Number.isFinite(n) || (spec.type === "int" && !Number.isInteger(n))) {
        throw new TypeError(
          `must be ${spec.type === "int" ? "an integer" : "a number"}: current value is ${
            JSON.stringify(raw)
          }`,
        );
      }
      return n;
    }
    case "bool": {
      if (typeof raw === "boolean") return raw;
      if (raw === "true" || raw === "1" || raw === "yes") return true;
      if (raw === "false" || raw === "0" || raw === "no") return false;
      throw new TypeError(`must be true or false: current value is ${JSON.stringify(raw)}`);
    }
    case "duration":
      if (typeof raw !== "string" && typeof raw !== "number") {
        throw new TypeError(`must be a duration such as "30s"`);
      }
      return parseDuration(raw);
    case "size":
      if (typeof raw !== "string" && typeof raw !== "number") {
        throw new TypeError(`must be a size such as "64MiB"`);
      }
      return parseSize(raw);
    case "hostport":
      if (typeof raw !== "string") throw new TypeError(`must be HOST:PORT`);
      return parseHostPort(raw);
  }
}

/**
 * Loads and validates configuration. Precedence: flags, then environment, then file, then defaults.
 * @throws {ConfigError} listing every problem (unknown keys and flags, bad values, missing required fields).
 */
export function loadConfig<S extends Schema>(schema: S, sources: ConfigSources = {}): ConfigOf<S> {
  const problems: string[] = [];
  const env = sources.env ?? defaultEnv;
  const flagToKey = new Map<string, string>();
  for (const [key, spec] of Object.entries(schema)) flagToKey.set(spec.flag ?? kebab(key), key);

  const flags = new Map<string, unknown>();
  let configPath: string | undefined;
  const args = sources.args ?? [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) {
      problems.push(`unexpected argument "${arg}"`);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const key = flagToKey.get(name);
    if (name !== "config" && key === undefined) {
      problems.push(`unknown flag "--${name}"`);
      if (eq < 0 && i + 1 < args.length && !args[i + 1]!.startsWith("--")) i++;
      continue;
    }
    let value: unknown;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (
      key !== undefined && schema[key]!.type === "bool" &&
      (i + 1 >= args.length || args[i + 1]!.startsWith("--"))
    ) {
      value = true;
    } else if (i + 1 < args.length) value = args[++i];
    else {
      problems.push(`flag "--${name}" needs a value`);
      continue;
    }
    if (name === "config") configPath = String(value);
    else flags.set(key!, value);
  }

  let file = sources.file;
  configPath ??= env("SONDE_CONFIG");
  if (!file && configPath) {
    try {
      const parsed = JSON.parse(Deno.readTextFileSync(configPath));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        problems.push(`configuration file "${configPath}" must hold a JSON object`);
      } else file = parsed as Record<string, unknown>;
    } catch (e) {
      problems.push(`cannot read configuration file "${configPath}": ${e instanceof Error ? e.message : e}`);
    }
  }
  if (file) {
    for (const key of Object.keys(file)) {
      if (!(key in schema)) {
        problems.push(`unknown key "${key}" in configuration file${configPath ? ` "${configPath}"` : ""}`);
      }
    }
  }

  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(schema)) {
    let raw: unknown;
    let origin: string;
    if (flags.has(key)) {
      raw = flags.get(key);
      origin = `flag --${spec.flag ?? kebab(key)}`;
    } else if (spec.env && env(spec.env) !== undefined) {
      raw = env(spec.env);
      origin = `environment variable ${spec.env}`;
    } else if (file && key in file) {
      raw = file[key];
      origin = `key "${key}" in configuration file`;
    } else {
      raw = spec.default;
      origin = `default of "${key}"`;
    }
    if (raw === undefined) {
      if (spec.required) problems.push(`"${key}" is required (${spec.help})`);
      out[key] = undefined;
      continue;
    }
    try {
      const value = convert(spec, raw);
      if (spec.min !== undefined && typeof value === "number" && value < spec.min) {
        throw new RangeError(`must be at least ${spec.min}: current value is ${JSON.stringify(raw)}`);
      }
      out[key] = value;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      problems.push(`${origin}: ${msg.replace(/^Cannot parse \w+ /, "")}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

/** Renders `--help` text for a schema. */
export function configHelp(schema: Schema): string {
  return Object.entries(schema).map(([key, spec]) => {
    const flag = `--${spec.flag ?? kebab(key)}`;
    const extra = [
      spec.env ? `env ${spec.env}` : "",
      spec.default !== undefined ? `default ${spec.default}` : "",
    ]
      .filter(Boolean).join(", ");
    return `  ${flag.padEnd(26)} ${spec.help}${extra ? ` (${extra})` : ""}`;
  }).join("\n");
}
