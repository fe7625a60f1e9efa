/**
 * Turns a due request into what is stored: events in time order, start and duration (root ENTER to
 * root LEAVE, else first to last event), status, agents, applications and tiers.
 * @module
 */
import { EventFlag, type TelemetryEvent } from "@sonde/shared/wire/telemetry";
import type { DueRequest } from "./open_requests.ts";
import type { RequestStatus, StoredRequest } from "@sonde/shared/telemetry/segment_format";

/** A stored request with the summary the row needs. */
export interface Summary extends StoredRequest {
  name: string;
  /** `"appName appId"` of every application involved. */
  applications: string[];
  /** `"appName appId/appTierName/appTierId"` of every tier involved. */
  tiers: string[];
  /** Every application name involved (what log pools match). */
  appNames: Set<string>;
}

/** Summarizes a due request. */
export function summarize(r: DueRequest): Summary {
  const events = r.events.slice().sort((a, b) => a.tsUs - b.tsUs);
  const rootEnter = events.find((e) => (e.flags & EventFlag.ENTER) && e.parentSpanId === undefined);
  const rootLeave = rootEnter
    ? events.findLast((e) => (e.flags & EventFlag.LEAVE) && e.spanId === rootEnter.spanId)
    : events.findLast((e) => (e.flags & EventFlag.LEAVE) && e.parentSpanId === undefined);
  const first = events[0]!.tsUs;
  const last = events[events.length - 1]!.tsUs;
  const startUs = rootEnter?.tsUs ?? first;
  const endUs = rootLeave && !r.incomplete ? rootLeave.tsUs : last;
  let flags = 0;
  for (const e of events) flags |= e.flags;
  const status: RequestStatus = r.incomplete
    ? "incomplete"
    : flags & EventFlag.ERROR
    ? "error"
    : flags & EventFlag.WARNING
    ? "warning"
    : "ok";
  const agents = [...new Set(events.map((e) => e.agentId))].sort((a, b) => a - b);
  const appNames = new Set<string>();
  const applications = new Set<string>();
  const tiers = new Set<string>();
  let lastApp: TelemetryEvent["app"] | undefined;
  for (const e of events) {
    const a = e.app;
    if (a === lastApp) continue; // events of one pulled batch share their registration object
    lastApp = a;
    appNames.add(a.appName);
    applications.add(`${a.appName} ${a.appId}`);
    tiers.add(`${a.appName} ${a.appId}/${a.appTierName}/${a.appTierId}`);
  }
  return {
    requestId: r.requestId,
    startUs,
    durationUs: Math.max(0, endUs - startUs),
    status,
    agents,
    events,
    name: (rootEnter ?? events[0]!).text,
    applications: [...applications].sort(),
    tiers: [...tiers].sort(),
    appNames,
  };
}
