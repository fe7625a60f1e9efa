/**
 * Open requests in memory: events grouped by request id across agents, bounded by a number of requests
 * and of events. A group (one request's events of one pulled batch) that does not fit is dropped whole
 * and counted. A request is due at its root LEAVE plus the
 * grace window, or at the timeout (then incomplete). Late events of a request already finished are
 * dropped and counted.
 * @module
 */
import { EventFlag, type TelemetryEvent } from "@sonde/shared/wire/telemetry";
import type { StoredEvent } from "@sonde/shared/telemetry/segment_format";

/** A request still collecting events. */
export interface OpenRequest {
  requestId: string;
  events: StoredEvent[];
  /** Ids of `telemetry_pending` rows holding these events. */
  pendingIds: number[];
  firstSeenMs: number;
  rootLeaveSeenMs: number | undefined;
}

/** A request taken out of memory for writing. */
export interface DueRequest extends OpenRequest {
  incomplete: boolean;
}

/** Limits of {@linkcode OpenRequests}. */
export interface OpenLimits {
  maxOpenRequests: number;
  maxOpenEvents: number;
  graceMs: number;
  timeoutMs: number;
  /** How many finished request ids are remembered to recognise late events. */
  maxRecentFinished?: number;
}

/** Counters of {@linkcode OpenRequests}. */
export interface OpenStats {
  openRequests: number;
  openEvents: number;
  droppedEvents: number;
  droppedGroups: number;
  lateEvents: number;
}

const str = (v: unknown) => typeof v === "string";
const int = (v: unknown) => typeof v === "number" && Number.isFinite(v);

/**
 * Whether an event pulled from an agent has every field assembly and the record format rely on (the
 * agent validated it; this guards the server against a buggy or hostile agent).
 */
export function isUsableEvent(e: unknown): e is TelemetryEvent {
  const x = e as TelemetryEvent | null;
  if (typeof x !== "object" || x === null) return false;
  const a = x.app as TelemetryEvent["app"] | null | undefined;
  return int(x.tsUs) && int(x.flags) && int(x.level) && int(x.pid) && int(x.tid) &&
    str(x.requestId) && x.requestId.length === 32 && str(x.spanId) && str(x.text) && str(x.module) &&
    (x.parentSpanId === undefined || str(x.parentSpanId)) &&
    (x.params === undefined || Array.isArray(x.params)) &&
    typeof a === "object" && a !== null && str(a.appName) && str(a.appId) && str(a.appTierName) &&
    str(a.appTierId);
}

function isRoot(e: TelemetryEvent): boolean {
  return e.parentSpanId === undefined;
}

/** The in-memory table of open requests. */
export class OpenRequests {
  readonly #open = new Map<string, OpenRequest>();
  readonly #recent = new Map<string, true>();
  #events = 0;
  #dropped = 0;
  #droppedGroups = 0;
  #late = 0;

  constructor(private readonly limits: OpenLimits) {}

  /** Adds one request's events from one agent; returns false when dropped (full or late). */
  add(
    requestId: string,
    agentId: number,
    events: TelemetryEvent[],
    nowMs: number,
    pendingId?: number,
  ): boolean {
    let r = this.#open.get(requestId);
    if (!r && this.#recent.has(requestId)) {
      this.#late += events.length;
      return false;
    }
    if (
      (!r && this.#open.size >= this.limits.maxOpenRequests) ||
      this.#events + events.length > this.limits.maxOpenEvents
    ) {
      this.#dropped += events.length;
      this.#droppedGroups++;
      return false;
    }
    if (!r) {
      r = { requestId, events: [], pendingIds: [], firstSeenMs: nowMs, rootLeaveSeenMs: undefined };
      this.#open.set(requestId, r);
    }
    const id = r.requestId;
    for (const e of events) {
      (e as StoredEvent).agentId = agentId;
      e.requestId = id; // one string per request instead of one per event while it waits in memory
      r.events.push(e as StoredEvent);
      if ((e.flags & EventFlag.LEAVE) && isRoot(e) && r.rootLeaveSeenMs === undefined) {
        r.rootLeaveSeenMs = nowMs;
      }
    }
    this.#events += events.length;
    if (pendingId !== undefined) r.pendingIds.push(pendingId);
    return true;
  }

  /** Takes every request that is due at `nowMs` out of memory. */
  takeDue(nowMs: number): DueRequest[] {
    const due: DueRequest[] = [];
    for (const r of this.#open.values()) {
      const done = r.rootLeaveSeenMs !== undefined && nowMs - r.rootLeaveSeenMs >= this.limits.graceMs;
      const timedOut = !done && nowMs - r.firstSeenMs >= this.limits.timeoutMs;
      if (done || timedOut) due.push({ ...r, incomplete: timedOut });
    }
    for (const r of due) this.#forget(r);
    return due;
  }

  /** Takes every open request (shutdown with `force`), as incomplete unless its root LEAVE was seen. */
  takeAll(): DueRequest[] {
    const all = [...this.#open.values()].map((r) => ({ ...r, incomplete: r.rootLeaveSeenMs === undefined }));
    for (const r of all) this.#forget(r);
    return all;
  }

  #forget(r: OpenRequest): void {
    this.#open.delete(r.requestId);
    this.#events -= r.events.length;
    this.#recent.set(r.requestId, true);
    const max = this.limits.maxRecentFinished ?? 100_000;
    // evict the oldest eighth at once: deleting one key per call walks the holes left at the front of
    // the map by every earlier deletion, which made each finished request cost O(recent)
    if (this.#recent.size > max + (max >> 3)) {
      let n = this.#recent.size - max;
      for (const k of this.#recent.keys()) {
        this.#recent.delete(k);
        if (--n <= 0) break;
      }
    }
  }

  /** Counters. */
  stats(): OpenStats {
    return {
      openRequests: this.#open.size,
      openEvents: this.#events,
      droppedEvents: this.#dropped,
      droppedGroups: this.#droppedGroups,
      lateEvents: this.#late,
    };
  }
}
