/**
 * The waterfall of a request: one {@linkcode SpanNode} per span id, from its ENTER to its LEAVE, nested
 * by parent span id (ENTER/LEAVE pairs of one span id nest in order when a span id is reused on one
 * thread). A span's status is the worst of its own WARNING/ERROR events; its app, process, thread and
 * module are those of its ENTER (or first) event.
 * @module
 */
import type { RequestEvent, RequestStatus, SpanNode } from "@sonde/shared/api";
import { EventFlag } from "@sonde/shared/wire/types";

const WORSE: Record<RequestStatus, number> = { ok: 0, warning: 1, error: 2 };

function eventStatus(flags: number): RequestStatus {
  if (flags & EventFlag.ERROR) return "error";
  return flags & EventFlag.WARNING ? "warning" : "ok";
}

/** Builds the span forest of `events` (ascending by time); roots and children ascending by start. */
export function buildSpanTree(events: RequestEvent[]): SpanNode[] {
  const spans = new Map<string, SpanNode & { endUs?: number; lastUs: number }>();
  for (const e of events) {
    let s = spans.get(e.spanId);
    if (!s) {
      s = {
        spanId: e.spanId,
        app: `${e.app.appName} ${e.app.appId}/${e.app.appTierName}/${e.app.appTierId}`,
        pid: e.pid,
        tid: e.tid,
        module: e.module,
        text: e.text,
        startUs: e.tsUs,
        durationUs: 0,
        status: "ok",
        children: [],
        lastUs: e.tsUs,
      };
      if (e.parentSpanId) s.parentSpanId = e.parentSpanId;
      spans.set(e.spanId, s);
    }
    if (e.flags & EventFlag.ENTER && s.endUs === undefined && s.startUs === e.tsUs) {
      s.text = e.text;
      s.module = e.module;
    }
    if (!s.parentSpanId && e.parentSpanId) s.parentSpanId = e.parentSpanId;
    if (e.flags & EventFlag.LEAVE) s.endUs = Math.max(s.endUs ?? e.tsUs, e.tsUs);
    s.lastUs = Math.max(s.lastUs, e.tsUs);
    const st = eventStatus(e.flags);
    if (WORSE[st] > WORSE[s.status]) s.status = st;
  }
  const roots: SpanNode[] = [];
  for (const s of spans.values()) {
    s.durationUs = (s.endUs ?? s.lastUs) - s.startUs;
    const parent = s.parentSpanId ? spans.get(s.parentSpanId) : undefined;
    if (parent && parent !== s && !isAncestor(s, parent, spans)) parent.children.push(s);
    else roots.push(s);
  }
  const out = (nodes: SpanNode[]): SpanNode[] =>
    nodes.sort((a, b) => a.startUs - b.startUs).map((n) => {
      const { spanId, parentSpanId, app, pid, tid, module, text, startUs, durationUs, status } = n;
      const clean: SpanNode = {
        spanId,
        app,
        pid,
        tid,
        module,
        text,
        startUs,
        durationUs,
        status,
        children: [],
      };
      if (parentSpanId) clean.parentSpanId = parentSpanId;
      clean.children = out(n.children);
      return clean;
    });
  return out(roots);
}

/** Whether `node` is an ancestor of `candidate` already (a cycle in bad data). */
function isAncestor(node: SpanNode, candidate: SpanNode, spans: Map<string, SpanNode>): boolean {
  let cur: SpanNode | undefined = candidate;
  for (let i = 0; cur && i < 10_000; i++) {
    if (cur === node) return true;
    cur = cur.parentSpanId ? spans.get(cur.parentSpanId) : undefined;
  }
  return false;
}
