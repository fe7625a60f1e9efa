/**
 * The agent's current configuration: the one a server pushed last (persisted atomically in
 * `<data>/agent/config.json` so the agent keeps working from it while the server is away), else the
 * local configuration file, else the default set. A pushed configuration replaces the current one
 * only when its version is newer.
 * @module
 */
import { errorMessage, ValidationError } from "@sonde/shared/errors";
import type { Logger } from "@sonde/shared/log";
import { type AgentConfig, defaultAgentConfig, parseAgentConfig } from "@sonde/shared/wire/agent_config";
import { writeFileAtomicSync } from "@sonde/shared/files";

/** Body of `PUT /v1/config` and `GET /v1/config`. */
export interface ConfigEnvelope {
  version: number;
  config: AgentConfig;
}

/** Outcome of {@linkcode ConfigStore.offer}. */
export interface OfferResult {
  applied: boolean;
  /** The version in force after the offer. */
  version: number;
  reason?: string;
}

/**
 * Validates a `PUT /v1/config` body.
 * @throws {ValidationError} listing every problem.
 */
export function parseConfigEnvelope(value: unknown): ConfigEnvelope {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError(
      `body: must be an object {"version":N,"config":{...}}: current value is ${JSON.stringify(value)}`,
    );
  }
  const o = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(o)) {
    if (key !== "version" && key !== "config") {
      problems.push(`${key}: unknown field (known: version, config)`);
    }
  }
  const version = o.version;
  if (typeof version !== "number" || !Number.isSafeInteger(version) || version < 0) {
    problems.push(`version: must be a non-negative integer: current value is ${JSON.stringify(version)}`);
  }
  let config: AgentConfig | undefined;
  if (o.config === undefined) problems.push("config: is required");
  else {
    try {
      config = parseAgentConfig(o.config);
    } catch (e) {
      problems.push(
        ...((e as { problems?: string[] }).problems ?? [errorMessage(e)]).map((p) => `config.${p}`),
      );
    }
  }
  if (problems.length > 0 || !config) throw new ValidationError(problems);
  return { version: version as number, config: { ...config, version: version as number } };
}

/** Holds the configuration in force and persists pushed ones. */
export class ConfigStore {
  #current: AgentConfig;
  readonly #listeners: ((config: AgentConfig) => void)[] = [];

  private constructor(readonly path: string, current: AgentConfig, private readonly log: Logger) {
    this.#current = current;
  }

  /**
   * Loads the persisted configuration at `path`; an unreadable or invalid file is logged and ignored.
   * `local` (from the agent's config file) wins when its version is higher.
   */
  static load(path: string, local: AgentConfig | undefined, log: Logger): ConfigStore {
    let persisted: AgentConfig | undefined;
    try {
      persisted = parseConfigEnvelope(JSON.parse(Deno.readTextFileSync(path))).config;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        log.error("ignoring persisted configuration", { path, error: errorMessage(e) });
      }
    }
    const candidates = [persisted, local].filter((c): c is AgentConfig => c !== undefined);
    const current = candidates.reduce(
      (a, b) => (b.version > a.version ? b : a),
      candidates[0] ?? defaultAgentConfig(),
    );
    const origin = current === persisted ? "persisted" : current === local ? "local file" : "default";
    log.info("configuration loaded", { origin, version: current.version, checks: current.checks.length });
    return new ConfigStore(path, current, log);
  }

  /** The configuration in force. */
  get current(): AgentConfig {
    return this.#current;
  }

  /** Calls `fn` with every configuration applied from now on. */
  onChange(fn: (config: AgentConfig) => void): void {
    this.#listeners.push(fn);
  }

  /**
   * Offers a pushed configuration (a `PUT /v1/config` body): applied and persisted when its version
   * is newer than the current one, ignored otherwise.
   * @throws {ValidationError} when the body is invalid.
   */
  offer(body: unknown): OfferResult {
    const { version, config } = parseConfigEnvelope(body);
    if (version <= this.#current.version) {
      return {
        applied: false,
        version: this.#current.version,
        reason: `version ${version} is not newer than the current version ${this.#current.version}`,
      };
    }
    const text = JSON.stringify({ version, config } satisfies ConfigEnvelope, null, 2) + "\n";
    writeFileAtomicSync(this.path, text);
    this.#current = config;
    this.log.info("configuration applied", { version, checks: config.checks.length });
    for (const fn of this.#listeners) fn(config);
    return { applied: true, version };
  }

  /** The current configuration as `GET /v1/config` returns it. */
  envelope(): ConfigEnvelope {
    return { version: this.#current.version, config: this.#current };
  }
}
