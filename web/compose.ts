/**
 * Composes the Webservice's {@linkcode Backend} in-process (all-in-one mode): the Worker answers
 * queries, the Server takes configuration, and browser telemetry goes to the local agent's intake.
 * @module
 */
import type { Backend } from "@sonde/shared/api";
import { SondeError, ValidationError } from "@sonde/shared/errors";

/** The Server's configuration half of the Backend. */
export type ConfigApi = Pick<
  Backend,
  "getConfig" | "putConfigObject" | "deleteConfigObject" | "importConfig" | "acceptAgentFingerprint"
>;

/** The Worker's query half of the Backend (everything else). */
export type QueryApi = Omit<Backend, keyof ConfigApi | "browserTelemetry">;

/** Forwards a browser telemetry batch (SDK format) to an agent intake at `intakeUrl`. */
export function browserTelemetryForwarder(intakeUrl: string): Backend["browserTelemetry"] {
  return async (body) => {
    const events = (body as { events?: unknown })?.events;
    if (!Array.isArray(events)) throw new ValidationError("events: must be a list of telemetry events");
    let res: Response;
    try {
      res = await fetch(`${intakeUrl}/sonde/v1/events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        // forwarded as sent: the SDK's batch carries its registration once (`app`) beside the events
        body: JSON.stringify(body),
      });
    } catch (e) {
      throw new SondeError(
        "intake_unreachable",
        `Cannot forward browser telemetry to ${intakeUrl}: ${(e as Error).message}`,
        {
          retryable: true,
          status: 503,
        },
      );
    }
    const text = await res.text();
    if (res.status >= 400 && res.status < 500) throw new ValidationError(text.slice(0, 500));
    if (!res.ok) {
      throw new SondeError("intake_error", `Intake answered ${res.status}: ${text.slice(0, 200)}`, {
        status: 502,
      });
    }
    return { accepted: events.length };
  };
}

/** Binds the query and configuration halves into one Backend. */
export function composeBackend(queries: QueryApi, config: ConfigApi, intakeUrl: string): Backend {
  const bind = <T extends object>(o: T, keys: string[]) =>
    Object.fromEntries(
      keys.filter((k) => typeof (o as Record<string, unknown>)[k] === "function").map((k) => [
        k,
        ((o as Record<string, (...a: unknown[]) => unknown>)[k]!).bind(o),
      ]),
    );
  const queryKeys = [
    "statusTree",
    "service",
    "statusEvents",
    "counterSeries",
    "counterKeys",
    "agents",
    "logPools",
    "requests",
    "request",
    "statistics",
    "live",
    "sessions",
    "startSession",
    "stopSession",
    "exportSession",
    "importSession",
  ];
  return {
    ...bind(queries, queryKeys),
    ...bind(config, [
      "getConfig",
      "putConfigObject",
      "deleteConfigObject",
      "importConfig",
      "acceptAgentFingerprint",
    ]),
    browserTelemetry: browserTelemetryForwarder(intakeUrl),
  } as unknown as Backend;
}
