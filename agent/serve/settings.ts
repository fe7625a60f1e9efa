/**
 * The agent process's bootstrap settings: flags, `SONDE_*` environment variables and an optional
 * `--config FILE`. The file is a JSON object with the same keys as the flags plus an optional
 * `collect` key holding a local agent configuration (what to collect and check) used until a server
 * pushes a newer one.
 * @module
 */
import { type ConfigOf, loadConfig, type Schema } from "@sonde/shared/config";
import { ConfigError } from "@sonde/shared/errors";
import { type AgentConfig, parseAgentConfig } from "@sonde/shared/wire/agent_config";
import type { FsyncPolicy } from "../buffer/journal.ts";

/** Flags of `deno task agent`. */
export const AGENT_SCHEMA = {
  etc: {
    type: "path",
    env: "SONDE_ETC",
    help: "certificate folder (<etc>/agent/...; default <data>/etc)",
  },
  data: { type: "path", default: "./data", env: "SONDE_DATA", help: "data folder (<data>/agent/...)" },
  listen: {
    type: "hostport",
    default: "127.0.0.1:4100",
    env: "SONDE_AGENT_LISTEN",
    help: "pull endpoint (mTLS) address",
  },
  statusListen: {
    type: "hostport",
    default: "127.0.0.1:4101",
    env: "SONDE_AGENT_STATUS_LISTEN",
    help: "local read-only status address (plain HTTP; keep it on 127.0.0.1)",
  },
  intake: { type: "bool", default: true, help: "accept telemetry from local applications" },
  intakeListen: {
    type: "hostport",
    default: "127.0.0.1:4318",
    env: "SONDE_AGENT_INTAKE_LISTEN",
    help: "local telemetry intake address (SDK and OTLP/HTTP)",
  },
  journalMaxBytes: { type: "size", default: "256MiB", min: 65536, help: "journal bound in bytes" },
  journalMaxAge: { type: "duration", default: "7d", help: "journal bound by age (0 = none)" },
  journalSegmentBytes: { type: "size", default: "4MiB", min: 4096, help: "journal segment size" },
  journalFsync: {
    type: "string",
    default: "batch",
    values: ["always", "batch", "never"],
    help: "when journal writes reach the disk",
  },
  journalFsyncInterval: {
    type: "duration",
    default: "200ms",
    help: "fsync interval with --journal-fsync batch",
  },
  hostname: {
    type: "string",
    env: "SONDE_AGENT_HOSTNAME",
    help: "host name reported (default: the system's)",
  },
} satisfies Schema;

/** Parsed bootstrap settings plus the local agent configuration, if the config file had one. */
export type AgentSettings = Omit<ConfigOf<typeof AGENT_SCHEMA>, "etc"> & {
  etc: string;
  journalFsync: FsyncPolicy;
  localConfig: AgentConfig | undefined;
};

/**
 * Loads the settings from `args` (and the environment).
 * @throws {ConfigError} listing every problem.
 */
export function loadAgentSettings(args: string[]): AgentSettings {
  const rest: string[] = [];
  let path: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--config") path = args[++i];
    else if (arg.startsWith("--config=")) path = arg.slice("--config=".length);
    else rest.push(arg);
  }
  path ??= envConfigPath();
  let file: Record<string, unknown> | undefined;
  let localConfig: AgentConfig | undefined;
  const problems: string[] = [];
  if (path !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Deno.readTextFileSync(path));
    } catch (e) {
      throw new ConfigError([`cannot read configuration file "${path}": ${(e as Error).message}`]);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError([`configuration file "${path}" must hold a JSON object`]);
    }
    const { collect, ...settings } = parsed as Record<string, unknown>;
    file = settings;
    if (collect !== undefined) {
      try {
        localConfig = parseAgentConfig(collect);
      } catch (e) {
        const found = (e as { problems?: string[] }).problems ?? [(e as Error).message];
        problems.push(...found.map((p) => `key "collect" in "${path}": ${p}`));
      }
    }
  }
  let settings: ConfigOf<typeof AGENT_SCHEMA>;
  try {
    settings = loadConfig(AGENT_SCHEMA, { args: rest, file: file ?? {} });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ConfigError([...problems, ...e.problems]);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...settings,
    etc: settings.etc ?? `${settings.data}/etc`,
    journalFsync: settings.journalFsync as FsyncPolicy,
    localConfig,
  };
}

function envConfigPath(): string | undefined {
  try {
    return Deno.env.get("SONDE_CONFIG") || undefined;
  } catch {
    return undefined; // no env permission
  }
}
