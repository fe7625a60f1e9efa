/**
 * Deterministic telemetry for cross-process tests: requests of 10 events, the web tier on agent 1 and
 * the db tier on agent 2.
 */
import type { AppRegistration, TelemetryEvent } from "../shared/wire/types.ts";

/** Requests per crash-test batch. */
export const REQUESTS = 20;
const web: AppRegistration = { appName: "crash", appId: "1", appTierName: "web", appTierId: "w1" };
const db: AppRegistration = { appName: "crash", appId: "1", appTierName: "db", appTierId: "d1" };

function ev(
  app: AppRegistration,
  requestId: string,
  tsUs: number,
  flags: number,
  span: number,
  parent?: number,
): TelemetryEvent {
  const e: TelemetryEvent = {
    tsUs,
    app,
    pid: 1,
    tid: 0,
    module: app.appTierName,
    text: `op${span}`,
    flags,
    level: 0,
    requestId,
    spanId: span.toString(16).padStart(16, "0"),
  };
  if (parent !== undefined) e.parentSpanId = parent.toString(16).padStart(16, "0");
  return e;
}

/** Request id of request `r` in batch `b`. */
export function crashRequestId(b: number, r: number): string {
  return `${b.toString(16).padStart(24, "0")}${(r + 1).toString(16).padStart(8, "0")}`;
}

/** Batch `b`: REQUESTS requests, 6 web events (agent 1) and 4 db events (agent 2) each. */
export function crashBatch(b: number): { web: TelemetryEvent[]; db: TelemetryEvent[] } {
  const out = { web: [] as TelemetryEvent[], db: [] as TelemetryEvent[] };
  const t0 = Date.now() * 1000;
  for (let r = 0; r < REQUESTS; r++) {
    const id = crashRequestId(b, r);
    out.web.push(ev(web, id, t0, 1, 1), ev(web, id, t0 + 10, 1, 2, 1), ev(web, id, t0 + 900, 2, 2, 1));
    out.db.push(
      ev(db, id, t0 + 20, 1, 3, 2),
      ev(db, id, t0 + 30, 0, 3, 2),
      ev(db, id, t0 + 40, 0, 3, 2),
      ev(db, id, t0 + 800, 2, 3, 2),
    );
    out.web.push(ev(web, id, t0 + 950, 0, 1), ev(web, id, t0 + 960, 0, 1), ev(web, id, t0 + 1000, 2, 1));
  }
  return out;
}
