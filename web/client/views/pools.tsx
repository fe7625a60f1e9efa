/** @jsxImportSource preact */
/**
 * Log pools: the request list with filters and full-text search, and statistics charts.
 * Deep link: `#/pools/1?tab=requests&q=checkout&status=error&range=1h&minMs=500`.
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import { api, qs } from "../api.ts";
import { href, navigate } from "../router.ts";
import { type RequestRow, RequestTable } from "../components/request_table.tsx";
import { type Pool, Statistics } from "./statistics.tsx";
import { Async, Empty, ErrorBox, Loading, PageHeader, useApi } from "../components/ui.tsx";
import { RANGES } from "./service.tsx";

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
