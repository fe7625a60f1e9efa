/** @jsxImportSource preact */
/**
 * Request detail: waterfall timeline of spans per application / process / thread / module, the
 * request's parameters, its errors and warnings, and every event. Deep link: `#/pools/1/r/<requestId>`.
 * @module
 */
import { useState } from "preact/hooks";
import { api } from "../api.ts";
import { Async, dateTime, durUs, Empty, PageHeader, useApi } from "../components/ui.tsx";
import type { RequestRow } from "../components/request_table.tsx";

interface Param {
  name: string;
  type: string;
  value: string | number;
}

interface Event {
  tsUs: number;
  app: { appName: string; appTierName: string; appTierId: string };
  pid: number;
  tid: number;
  module: string;
  text: string;
  flags: number;
  level: number;
  params?: Param[];
  spanId: string;
  parentSpanId?: string;
  agent: string;
}

interface Span {
  spanId: string;
  app: string;
  pid: number;
  tid: number;
  module: string;
  text: string;
  startUs: number;
  durationUs: number;
  status: string;
  children: Span[];
}

interface Detail {
  row: RequestRow;
  events: Event[];
  tree?: Span[];
}

/** Spans from events when the Worker sent no tree: one span per span id, nested by parent. */
function spansFromEvents(events: Event[]): Span[] {
  const map = new Map<string, Span & { parent?: string }>();
  for (const e of events) {
    const s = map.get(e.spanId);
    if (!s) {
      map.set(e.spanId, {
        spanId: e.spanId,
        parent: e.parentSpanId,
        app: `${e.app.appName}/${e.app.appTierName}`,
        pid: e.pid,
        tid: e.tid,
        module: e.module,
        text: e.text,
        startUs: e.tsUs,
        durationUs: 0,
        status: e.flags & 16 ? "error" : "ok",
        children: [],
      });
    } else {
      s.durationUs = Math.max(s.durationUs, e.tsUs - s.startUs);
      if (e.flags & 16) s.status = "error";
    }
  }
  const roots: Span[] = [];
  for (const s of map.values()) (s.parent && map.get(s.parent)?.children || roots).push(s);
  return roots;
}

function flatten(spans: Span[], depth = 0, out: { span: Span; depth: number }[] = []) {
  for (const s of [...spans].sort((a, b) => a.startUs - b.startUs)) {
    out.push({ span: s, depth });
    flatten(s.children, depth + 1, out);
  }
  return out;
}

const PALETTE = ["#38bdf8", "#a78bfa", "#34d399", "#fbbf24", "#f472b6", "#60a5fa"];

function Waterfall({ detail }: { detail: Detail }) {
  const rows = flatten(detail.tree ?? spansFromEvents(detail.events));
  const start = detail.row.startTs;
  const total = Math.max(1, detail.row.durationUs);
  const apps = [...new Set(rows.map((r) => r.span.app))];
  const [selected, setSelected] = useState<string>();
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div class="waterfall" data-testid="waterfall" role="table" aria-label="Waterfall">
      <div class="wf-head" role="row">
        <div class="wf-label" role="columnheader">Application · process · thread · module</div>
        <div class="wf-track wf-axis" role="columnheader">
          {ticks.map((t) => <span key={t} style={{ left: `${t * 100}%` }}>{durUs(total * t)}</span>)}
        </div>
      </div>
      {rows.map(({ span, depth }) => {
        const left = ((span.startUs - start) / total) * 100;
        const width = Math.max(0.4, (span.durationUs / total) * 100);
        const color = PALETTE[apps.indexOf(span.app) % PALETTE.length];
        return (
          <div
            class={`wf-row${selected === span.spanId ? " sel" : ""}`}
            role="row"
            tabIndex={0}
            onClick={() => setSelected(span.spanId)}
            onKeyDown={(e) => e.key === "Enter" && setSelected(span.spanId)}
          >
            <div class="wf-label" role="cell" style={{ paddingLeft: `${8 + depth * 14}px` }}>
              <span class="wf-app" style={{ borderColor: color }}>{span.app}</span>
              <span class="muted small mono">{span.pid}:{span.tid}</span>
              <span class="muted small">{span.module}</span>
              <span class="wf-text" title={span.text}>{span.text}</span>
            </div>
            <div class="wf-track" role="cell">
              {ticks.slice(1, -1).map((t) => <i key={t} class="wf-grid" style={{ left: `${t * 100}%` }} />)}
              <div
                class={`wf-bar${span.status === "error" ? " err" : ""}`}
                style={{
                  left: `${left}%`,
                  width: `${width}%`,
                  background: span.status === "error" ? undefined : color,
                }}
                title={`${span.text}: ${durUs(span.durationUs)} from +${durUs(span.startUs - start)}`}
              />
              <span
                class="wf-dur mono small"
                style={{ left: `calc(${Math.min(100, left + width)}% + 6px)` }}
              >
                {durUs(span.durationUs)}
              </span>
            </div>
          </div>
        );
      })}
    </div>
  );
}

function flagNames(flags: number): string {
  const names = ["ENTER", "LEAVE", "WAIT", "WARNING", "ERROR", "PROCESS_INFO"];
  return names.filter((_, i) => flags & (1 << i)).join(" ");
}

/** The request detail view. */
export function RequestView(
  { pool, recording, requestId }: { pool?: number; recording?: string; requestId: string },
) {
  const path = recording
    ? `/recordings/${encodeURIComponent(recording)}/requests/${requestId}`
    : `/pools/${pool}/requests/${requestId}`;
  const detail = useApi(() => api<Detail>(path), [path]);
  return (
    <div class="view">
      <Async value={detail}>
        {(d) => {
          const params = d.events.flatMap((e) => (e.params ?? []).map((p) => ({ ...p, module: e.module })));
          const problems = d.events.filter((e) => e.flags & (8 | 16));
          return (
            <>
              <nav class="crumbs" aria-label="Breadcrumb">
                {recording
                  ? <a href={`#/recordings/${encodeURIComponent(recording)}`}>Recording</a>
                  : <a href={`#/pools/${pool}`}>Log pool</a>} <span>/</span>{" "}
                <span class="mono">{requestId}</span>
              </nav>
              <PageHeader
                title={
                  <span class="title-state">
                    <span class={`badge rs-${d.row.status}`}>{d.row.status}</span>{" "}
                    {String(d.row.columns.url ?? d.events[0]?.text ?? "Request")}
                  </span>
                }
                sub={`${dateTime(d.row.startTs / 1000)} · ${durUs(d.row.durationUs)} · ${
                  d.row.applications.join(", ")
                } · agents ${d.row.agents.join(", ")}`}
              />
              <section class="card">
                <h2>Timeline</h2>
                <Waterfall detail={d} />
              </section>
              <div class="two-col">
                <section class="card">
                  <h2>Parameters</h2>
                  {params.length === 0 ? <Empty>No parameters.</Empty> : (
                    <table class="grid compact">
                      <tbody>
                        {params.map((p) => (
                          <tr>
                            <th scope="row">{p.name}</th>
                            <td class="mono">{String(p.value)}</td>
                            <td class="muted small">{p.type} · {p.module}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </section>
                <section class="card">
                  <h2>Errors and warnings</h2>
                  {problems.length === 0
                    ? <Empty>None.</Empty>
                    : (
                      <ul class="problems" data-testid="request-errors">
                        {problems.map((e) => (
                          <li class={e.flags & 16 ? "t-critical" : "t-warning"}>
                            <span class="mono small">+{durUs(e.tsUs - d.row.startTs)}</span>{" "}
                            <b>{e.app.appName}/{e.app.appTierName}</b> {e.module}: {e.text}
                          </li>
                        ))}
                      </ul>
                    )}
                </section>
              </div>
              <section class="card">
                <h2>Events ({d.events.length})</h2>
                <div class="table-wrap">
                  <table class="grid compact">
                    <thead>
                      <tr>
                        <th class="num">Offset</th>
                        <th>Application</th>
                        <th class="hide-sm">pid:tid</th>
                        <th class="hide-sm">Module</th>
                        <th>Flags</th>
                        <th>Text</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.events.map((e) => (
                        <tr class={e.flags & 16 ? "row-err" : ""}>
                          <td class="num mono small">+{durUs(e.tsUs - d.row.startTs)}</td>
                          <td>{e.app.appName}/{e.app.appTierName}</td>
                          <td class="hide-sm mono small">{e.pid}:{e.tid}</td>
                          <td class="hide-sm">{e.module}</td>
                          <td class="small mono">{flagNames(e.flags)}</td>
                          <td class="ellipsis" title={e.text}>{e.text}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </section>
            </>
          );
        }}
      </Async>
    </div>
  );
}
