/**
 * The raw request record of the telemetry day files.
 *
 * A segment file `<data>/telemetry/YYYY-MM-DD/segment-NNNNNN.log` is append-only; each finished
 * request is one record: one line of UTF-8 JSON ending in `\n`, addressed by byte offset and length
 * (the `request` row keeps both, so the Worker loads a request with one read):
 *
 * ```
 * {"v":1,"id":"<request id>","start":<µs>,"dur":<µs>,"status":"ok","agents":[3,7],
 *  "apps":[["shop","1","web","web-1",{props}|0], ...],
 *  "ev":[[dtUs, appIdx, agentIdx, pid, tid, module, text, flags, level, spanId, parentSpanId|"", params|0], ...]}
 * ```
 *
 * `dtUs` is relative to `start`; `appIdx` indexes `apps` and `agentIdx` indexes `agents`; `params` is
 * `[[name, "i"|"l"|"s", value], ...]` (int32, int64 as a decimal string, string). Events are sorted
 * by time. A crash can leave a dead copy of a request in a file; the rows are the truth.
 * @module
 */
import type { AppRegistration, Param, TelemetryEvent } from "@sonde/shared/wire/telemetry";

/** Request status. */
export type RequestStatus = "ok" | "warning" | "error" | "incomplete";

/** An event of a stored request with the agent that delivered it. */
export interface StoredEvent extends TelemetryEvent {
  agentId: number;
}

/** A request as stored in a segment file. */
export interface StoredRequest {
  requestId: string;
  startUs: number;
  durationUs: number;
  status: RequestStatus;
  agents: number[];
  events: StoredEvent[];
}

type EncodedParam = [string, "i" | "l" | "s", number | string];
type EncodedEvent = [
  number,
  number,
  number,
  number,
  number,
  string,
  string,
  number,
  number,
  string,
  string,
  EncodedParam[] | 0,
];

const TYPE_CODE = { int32: "i", int64: "l", string: "s" } as const;

function encodeParams(params: Param[] | undefined): EncodedParam[] | 0 {
  return params && params.length > 0 ? params.map((p) => [p.name, TYPE_CODE[p.type], p.value]) : 0;
}

function decodeParam([name, t, value]: EncodedParam): Param {
  if (t === "i") return { name, type: "int32", value: Number(value) };
  if (t === "l") return { name, type: "int64", value: String(value) };
  return { name, type: "string", value: String(value) };
}

function appKey(a: AppRegistration): string {
  return `${a.appName}\u0000${a.appId}\u0000${a.appTierName}\u0000${a.appTierId}`;
}

/** Encodes a request as one record line (with the trailing newline). */
export function encodeRequest(r: StoredRequest): string {
  const apps: AppRegistration[] = [];
  const appIdx = new Map<string, number>();
  const agentIdx = new Map(r.agents.map((a, i) => [a, i]));
  let lastApp: AppRegistration | undefined;
  let ai = 0;
  const ev: EncodedEvent[] = r.events.map((e) => {
    if (e.app !== lastApp) { // events of one pulled batch share their registration object
      lastApp = e.app;
      const k = appKey(e.app);
      const known = appIdx.get(k);
      ai = known ?? apps.push(e.app) - 1;
      if (known === undefined) appIdx.set(k, ai);
    }
    return [
      e.tsUs - r.startUs,
      ai,
      agentIdx.get(e.agentId) ?? 0,
      e.pid,
      e.tid,
      e.module,
      e.text,
      e.flags,
      e.level,
      e.spanId,
      e.parentSpanId ?? "",
      encodeParams(e.params),
    ];
  });
  return JSON.stringify({
    v: 1,
    id: r.requestId,
    start: r.startUs,
    dur: r.durationUs,
    status: r.status,
    agents: r.agents,
    apps: apps.map((a) => [a.appName, a.appId, a.appTierName, a.appTierId, a.properties ?? 0]),
    ev,
  }) + "\n";
}

/** Decodes one record line; throws `SyntaxError`/`TypeError` on a damaged record. */
export function decodeRequest(line: string): StoredRequest {
  const o = JSON.parse(line);
  if (o?.v !== 1 || typeof o.id !== "string" || !Array.isArray(o.ev)) {
    throw new TypeError(
      `Cannot decode telemetry record: not a version-1 request record (starts ${
        JSON.stringify(line.slice(0, 40))
      })`,
    );
  }
  const apps: AppRegistration[] = o.apps.map(
    (a: [string, string, string, string, Record<string, string> | 0]) => {
      const app: AppRegistration = { appName: a[0], appId: a[1], appTierName: a[2], appTierId: a[3] };
      if (a[4]) app.properties = a[4];
      return app;
    },
  );
  const agents: number[] = o.agents;
  return {
    requestId: o.id,
    startUs: o.start,
    durationUs: o.dur,
    status: o.status,
    agents,
    events: (o.ev as EncodedEvent[]).map((e) => {
      const ev: StoredEvent = {
        tsUs: o.start + e[0],
        app: apps[e[1]]!,
        agentId: agents[e[2]] ?? 0,
        pid: e[3],
        tid: e[4],
        module: e[5],
        text: e[6],
        flags: e[7],
        level: e[8],
        requestId: o.id,
        spanId: e[9],
      };
      if (e[10]) ev.parentSpanId = e[10];
      if (e[11]) ev.params = e[11].map(decodeParam);
      return ev;
    }),
  };
}
