/**
 * DEVELOPMENT FIXTURE: validation of configuration objects in the dev backend, producing the same
 * field-path problems the Server's validation gives (`params.url: must be an http(s) URL`).
 * @module
 */
import { ValidationError } from "@sonde/shared/errors";
import type { ConfigKind } from "./backend.ts";

const RANGE = /^@?(-?[\d.]+|~)?(:(-?[\d.]+)?)?$/;

/** Validates `body` as a `kind` object; throws {@linkcode ValidationError} listing every problem. */
export function validateConfigObject(kind: ConfigKind, body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ValidationError("body: must be a JSON object");
  }
  const b = body as Record<string, unknown>;
  const problems: string[] = [];
  const str = (k: string) => typeof b[k] === "string" && (b[k] as string).trim() !== "";
  if (kind !== "settings" && !str("name")) problems.push("name: must not be empty");
  if (kind === "check") {
    const known = ["id", "serviceId", "name", "type", "intervalMs", "timeoutMs", "enabled", "params"];
    for (const k of Object.keys(b)) if (!known.includes(k)) problems.push(`${k}: is not a field of a check`);
    if (!["counter", "http", "tcp", "process", "filesystem", "command", "snmp"].includes(b.type as string)) {
      problems.push(
        `type: must be one of counter, http, tcp, process, filesystem, command, snmp: current value is ${
          JSON.stringify(b.type)
        }`,
      );
    }
    if (typeof b.intervalMs !== "number" || b.intervalMs < 1000) {
      problems.push(`intervalMs: must be at least 1000: current value is ${JSON.stringify(b.intervalMs)}`);
    }
    const params = (b.params ?? {}) as Record<string, unknown>;
    for (const k of ["warn", "crit"]) {
      if (params[k] !== undefined && params[k] !== "" && !RANGE.test(String(params[k]))) {
        problems.push(
          `params.${k}: must be a Nagios range such as 80, 10:20 or @5:10: current value is "${params[k]}"`,
        );
      }
    }
    if (b.type === "http" && !/^https?:\/\/[^\s]+$/.test(String(params.url ?? ""))) {
      problems.push(
        `params.url: must be an http(s) URL: current value is ${JSON.stringify(params.url ?? "")}`,
      );
    }
    if (b.type === "counter" && !params.key) {
      problems.push("params.key: must name a counter such as cpu.busy_pct");
    }
  }
  if (kind === "service" && typeof b.agentId !== "number") problems.push("agentId: must be an agent id");
  if (kind === "settings") {
    if (!str("name")) problems.push("name: must not be empty");
    if (!/^https?:\/\/\S+$/.test(String(b.url ?? ""))) {
      problems.push(`url: must be an http(s) URL: current value is ${JSON.stringify(b.url ?? "")}`);
    }
    try {
      new Intl.DateTimeFormat("en", { timeZone: String(b.timeZone) });
    } catch {
      problems.push(
        `timeZone: must be an IANA time zone such as Europe/Vienna: current value is ${
          JSON.stringify(b.timeZone)
        }`,
      );
    }
    const r = (b.retentionDays ?? {}) as Record<string, unknown>;
    for (const k of ["counters", "requests", "telemetry"]) {
      if (!Number.isInteger(r[k]) || (r[k] as number) < 1) {
        problems.push(
          `retentionDays.${k}: must be a whole number of days ≥ 1: current value is ${JSON.stringify(r[k])}`,
        );
      }
    }
  }
  if (problems.length) throw new ValidationError(problems);
  return b;
}
