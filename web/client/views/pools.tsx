/** @jsxImportSource preact */
/**
 * Log pools: the request list with filters and full-text search, and statistics charts.
 * Deep link: `#/pools/1?tab=requests&q=checkout&status=error&range=1h&minMs=500`.
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import { api, qs } from "../api.ts";
import { href, navigate } from "../router.ts";
import { Chart } from "../components/chart.tsx";
import {
  Async,
  dateTime,
  durUs,
  Empty,
  ErrorBox,
  Loading,
  PageHeader,
  shortTime,
  useApi,
} from "../components/ui.tsx";
import { RANGES } from "./service.tsx";

interface Pool {
  id: number;
  name: string;
  columns: { name: string; parameter: string; type: string }[];
}

/** A request row (see shared/wire/api.ts). */
export interface RequestRow {
  requestId: string;
  startTs: number;
  durationUs: number;
  status: "ok" | "warning" | "error";
  agents: string[];
  applications: string[];
  columns: Record<string, string | number>;
}

interface Stats {
  buckets: { ts: number; count: number; errorRate: number; p50Us: number; p95Us: number; p99Us: number }[];
  topSlow: RequestRow[];
  groups: { key: string; count: number; errorRate: number; p95Us: number }[];
}

/** A table of request rows; shared with the live view. */
export function RequestTable(
  { pool, rows, columns }: { pool: number; rows: RequestRow[]; columns: string[] },
) {
  const max = Math.max(1, ...rows.map((r) => r.durationUs));
  return (
    <div class="table-wrap">
      <table class="grid requests" data-testid="requests">
        <thead>
          <tr>
            <th>Start</th>
            <th>Status</th>
            <th class="w-dur">Duration</th>
            {columns.map((c, i) => <th key={c} class={i > 0 ? "hide-sm" : ""}>{c}</th>)}
            <th class="hide-md">Applications</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.requestId}>
              <td class="mono small nowrap" title={dateTime(r.startTs / 1000)}>
                <a href={`#/pools/${pool}/r/${r.requestId}`}>{shortTime(r.startTs / 1000)}</a>
              </td>
              <td>
                <span class={`badge small rs-${r.status}`}>{r.status}</span>
              </td>
              <td>
                <div class="durbar">
                  <span
                    style={{ width: `${Math.max(2, (r.durationUs / max) * 100)}%` }}
                    class={`rs-${r.status}`}
                  />
                </div>
                <span class="mono small">{durUs(r.durationUs)}</span>
              </td>
              {columns.map((c, i) => (
                <td class={`${i > 0 ? "hide-sm " : ""}ellipsis`} title={String(r.columns[c] ?? "")}>
                  {String(r.columns[c] ?? "")}
                </td>
              ))}
              <td class="hide-md muted small">{r.applications.join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Requests({ pool, query }: { pool: Pool; query: URLSearchParams }) {
  const range = RANGES[query.get("range") ?? ""] ? query.get("range")! : "1h";
  const params = {
    q: query.get("q") ?? undefined,
    status: query.get("status") ?? undefined,
    minDurationUs: query.get("minMs") ? Number(query.get("minMs")) * 1000 : undefined,
    app: query.get("app") ?? undefined,
    sort: query.get("sort") ?? undefined,
  };
  const [rows, setRows] = useState<RequestRow[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [state, setState] = useState<{ loading: boolean; error?: unknown }>({ loading: true });
  const key = JSON.stringify([pool.id, range, params]);
  const load = async (more: boolean) => {
    setState({ loading: true });
    try {
      const to = Date.now();
      const page = await api<{ rows: RequestRow[]; nextCursor?: string }>(
        `/pools/${pool.id}/requests${
          qs({ ...params, from: to - RANGES[range]!, to, limit: 100, cursor: more ? cursor : undefined })
        }`,
      );
      setRows((old) => (more ? [...old, ...page.rows] : page.rows));
      setCursor(page.nextCursor);
      setState({ loading: false });
    } catch (error) {
      setState({ loading: false, error });
    }
  };
  useEffect(() => void load(false), [key]);
  const set = (patch: Record<string, string | undefined>) => {
    const next: Record<string, string | undefined> = {};
    query.forEach((v, k) => (next[k] = v));
    navigate(href(`/pools/${pool.id}`, { ...next, ...patch }), true);
  };
  const [text, setText] = useState(query.get("q") ?? "");
  return (
    <>
      <form
        class="toolbar filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          set({ q: text || undefined });
        }}
      >
        <input
          class="search grow"
          type="search"
          placeholder="Full-text search in events and parameters…"
          aria-label="Search requests"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <select
          aria-label="Status"
          value={params.status ?? ""}
          onChange={(e) => set({ status: e.currentTarget.value || undefined })}
        >
          <option value="">Any status</option>
          <option value="ok">OK</option>
          <option value="warning">Warning</option>
          <option value="error">Error</option>
        </select>
        <label class="inline-field">
          <span>≥</span>
          <input
            type="number"
            min="0"
            class="narrow"
            aria-label="Minimum duration in ms"
            placeholder="ms"
            value={query.get("minMs") ?? ""}
            onChange={(e) => set({ minMs: e.currentTarget.value || undefined })}
          />
          <span class="muted">ms</span>
        </label>
        <select aria-label="Range" value={range} onChange={(e) => set({ range: e.currentTarget.value })}>
          {Object.keys(RANGES).map((r) => <option key={r} value={r}>Last {r}</option>)}
        </select>
        <select
          aria-label="Sort"
          value={params.sort ?? "-start"}
          onChange={(e) => set({ sort: e.currentTarget.value })}
        >
          <option value="-start">Newest first</option>
          <option value="-duration">Slowest first</option>
          <option value="start">Oldest first</option>
        </select>
        <button class="btn primary small" type="submit">Search</button>
      </form>
      {state.error !== undefined && <ErrorBox error={state.error} retry={() => load(false)} />}
      {rows.length === 0 && !state.loading && state.error === undefined
        ? <Empty>No requests match these filters.</Empty>
        : <RequestTable pool={pool.id} rows={rows} columns={pool.columns.map((c) => c.name)} />}
      {state.loading ? <Loading /> : cursor && (
        <div class="more">
          <button type="button" class="btn small" onClick={() => load(true)}>Load more</button>
        </div>
      )}
    </>
  );
}

function Statistics({ pool, query }: { pool: Pool; query: URLSearchParams }) {
  const range = RANGES[query.get("range") ?? ""] ? query.get("range")! : "1h";
  const stats = useApi(() => {
    const to = Date.now();
    const from = to - RANGES[range]!;
    return api<Stats>(
      `/pools/${pool.id}/statistics${
        qs({ from, to, bucketMs: Math.max(60_000, Math.round((to - from) / 60)) })
      }`,
    );
  }, [pool.id, range]);
  return (
    <Async value={stats}>
      {(s) => {
        const x = s.buckets.map((b) => b.ts / 1000);
        return (
          <div class="stats-grid" data-testid="statistics">
            <section class="card">
              <h2>Duration percentiles</h2>
              <Chart
                x={x}
                unit="ms"
                series={[
                  { label: "p50", color: "#38bdf8", values: s.buckets.map((b) => b.p50Us / 1000) },
                  {
                    label: "p95",
                    color: "#a78bfa",
                    values: s.buckets.map((b) => b.p95Us / 1000),
                  },
                  {
                    label: "p99",
                    color: "#f472b6",
                    values: s.buckets.map((b) => b.p99Us / 1000),
                  },
                ]}
              />
            </section>
            <section class="card">
              <h2>Requests and errors</h2>
              <Chart
                x={x}
                series={[
                  { label: "requests", color: "#22c55e", values: s.buckets.map((b) => b.count), bars: true },
                  {
                    label: "errors",
                    color: "#ef4444",
                    values: s.buckets.map((b) => Math.round(b.count * b.errorRate)),
                    bars: true,
                  },
                ]}
              />
            </section>
            <section class="card">
              <h2>By URL</h2>
              <table class="grid compact">
                <thead>
                  <tr>
                    <th>URL</th>
                    <th class="num">Requests</th>
                    <th class="num">Errors</th>
                    <th class="num">p95</th>
                  </tr>
                </thead>
                <tbody>
                  {s.groups.slice(0, 12).map((g) => (
                    <tr>
                      <td class="ellipsis">
                        <a href={href(`/pools/${pool.id}`, { q: g.key, range })}>{g.key}</a>
                      </td>
                      <td class="num">{g.count}</td>
                      <td class="num">{(g.errorRate * 100).toFixed(1)} %</td>
                      <td class="num mono">{durUs(g.p95Us)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section class="card">
              <h2>Slowest requests</h2>
              <RequestTable
                pool={pool.id}
                rows={s.topSlow}
                columns={pool.columns.slice(0, 1).map((c) => c.name)}
              />
            </section>
          </div>
        );
      }}
    </Async>
  );
}

/** The log pools view. */
export function PoolsView({ pool, query }: { pool?: number; query: URLSearchParams }) {
  const pools = useApi(() => api<Pool[]>("/pools"), []);
  const tab = query.get("tab") === "stats" ? "stats" : "requests";
  return (
    <div class="view">
      <Async value={pools}>
        {(list) => {
          const current = list.find((p) => p.id === pool) ?? list[0];
          if (!current) {return (
              <Empty>No log pools configured yet. Create one under Configuration › Log pools.</Empty>
            );}
          return (
            <>
              <PageHeader
                title={`Log pool ${current.name}`}
                sub={`Columns: ${current.columns.map((c) => c.name).join(", ")}`}
              >
                {list.length > 1 && (
                  <select
                    aria-label="Log pool"
                    value={current.id}
                    onChange={(e) => navigate(`#/pools/${e.currentTarget.value}`)}
                  >
                    {list.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
                  </select>
                )}
                <a class="btn small" href={href("/live", { pool: current.id })}>Live</a>
              </PageHeader>
              <div class="tabs" role="tablist">
                <a
                  role="tab"
                  aria-selected={tab === "requests"}
                  class={tab === "requests" ? "on" : ""}
                  href={href(`/pools/${current.id}`, { range: query.get("range") ?? undefined })}
                >
                  Requests
                </a>
                <a
                  role="tab"
                  aria-selected={tab === "stats"}
                  class={tab === "stats" ? "on" : ""}
                  href={href(`/pools/${current.id}`, {
                    tab: "stats",
                    range: query.get("range") ?? undefined,
                  })}
                >
                  Statistics
                </a>
              </div>
              {tab === "stats"
                ? <Statistics pool={current} query={query} />
                : <Requests pool={current} query={query} />}
            </>
          );
        }}
      </Async>
    </div>
  );
}
