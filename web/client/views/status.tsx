/** @jsxImportSource preact */
/**
 * Status view: the service-group tree with states, counts, last change and cause; filter by state and
 * search by name. Filter and search live in the URL (`#/status?state=problems&q=db`).
 * @module
 */
import { useRef, useState } from "preact/hooks";
import { Spacer, useWindowSlice } from "../components/virtual.tsx";
import { api } from "../api.ts";
import { href, navigate } from "../router.ts";
import { ago, Async, dateTime, Empty, PageHeader, StateBadge, StateDot, useApi } from "../components/ui.tsx";

/** A node of the status tree (see shared/wire/api.ts). */
export interface StatusNode {
  id: string;
  kind: "group" | "service";
  name: string;
  state: string;
  since: string;
  cause?: string;
  counts: Record<string, number>;
  children?: StatusNode[];
}

interface Row {
  node: StatusNode;
  depth: number;
}

const FILTERS = [
  { id: "all", label: "All" },
  { id: "problems", label: "Problems" },
  { id: "CRITICAL", label: "Critical" },
  { id: "WARNING", label: "Warning" },
  { id: "UNKNOWN", label: "Unknown" },
];
/** Fixed row height of the tree table (px), for windowed rendering. */
const ROW_HEIGHT = 38;

function matches(n: StatusNode, filter: string, q: string): boolean {
  if (n.kind !== "service") return false;
  if (filter === "problems" && n.state === "OK") return false;
  if (filter !== "all" && filter !== "problems" && n.state !== filter) return false;
  return !q || n.name.toLowerCase().includes(q);
}

/** Flattens the visible rows: all ancestors of matches when filtering, expanded groups otherwise. */
function visibleRows(root: StatusNode, filter: string, q: string, expanded: Set<string>): Row[] {
  const rows: Row[] = [];
  const filtering = filter !== "all" || q !== "";
  const walk = (n: StatusNode, depth: number): boolean => {
    if (n.kind === "service") {
      if (filtering && !matches(n, filter, q)) return false;
      rows.push({ node: n, depth });
      return true;
    }
    const at = rows.length;
    rows.push({ node: n, depth });
    let any = false;
    if (filtering || expanded.has(n.id)) {
      for (const c of n.children ?? []) any = walk(c, depth + 1) || any;
    }
    if (filtering && !any) rows.length = at;
    return !filtering || any;
  };
  for (const c of root.children ?? []) walk(c, 0);
  return rows;
}

function Counts({ counts }: { counts: Record<string, number> }) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0) || 1;
  return (
    <div
      class="counts"
      title={`${counts.OK} OK, ${counts.WARNING} warning, ${counts.CRITICAL} critical, ${counts.UNKNOWN} unknown`}
    >
      <div class="countbar" aria-hidden="true">
        {(["CRITICAL", "WARNING", "UNKNOWN", "OK"] as const).map((s) =>
          counts[s]
            ? (
              <span
                key={s}
                class={`seg st-${s.toLowerCase()}`}
                style={{ width: `${(counts[s]! / total) * 100}%` }}
              />
            )
            : null
        )}
      </div>
      <span class="count-text">
        {counts.CRITICAL ? <b class="t-critical">{counts.CRITICAL}</b> : null}
        {counts.WARNING ? <b class="t-warning">{counts.WARNING}</b> : null}
        {counts.UNKNOWN ? <b class="t-unknown">{counts.UNKNOWN}</b> : null}
        <span class="t-ok">{counts.OK}</span>
      </span>
    </div>
  );
}

function Summary({ root }: { root: StatusNode }) {
  const c = root.counts;
  return (
    <div class="summary">
      {(["OK", "WARNING", "CRITICAL", "UNKNOWN"] as const).map((s) => (
        <a
          class={`stat-card st-border-${s.toLowerCase()}`}
          href={href("/status", { state: s === "OK" ? undefined : s })}
        >
          <span class="stat-label">
            <StateDot state={s} /> {s}
          </span>
          <span class="stat-value">{(c[s] ?? 0).toLocaleString()}</span>
        </a>
      ))}
    </div>
  );
}

function TreeRow({ node, depth, open, toggle }: Row & { open: boolean; toggle: (id: string) => void }) {
  return (
    <tr class={`row-${node.kind}`} data-id={node.id}>
      <td class="name-cell" style={{ paddingLeft: `${12 + depth * 18}px` }}>
        {node.kind === "group"
          ? (
            <button type="button" class="twisty" aria-expanded={open} onClick={() => toggle(node.id)}>
              <span class="chev" aria-hidden="true">▸</span>
              <StateDot state={node.state} />
              <span class="group-name">{node.name}</span>
            </button>
          )
          : (
            <a href={`#/service/${node.id.slice(2)}`} class="svc-link">
              <StateDot state={node.state} />
              {node.name}
            </a>
          )}
      </td>
      <td>
        <StateBadge state={node.state} small />
      </td>
      <td class="hide-sm">{node.kind === "group" ? <Counts counts={node.counts} /> : null}</td>
      <td class="hide-sm muted" title={dateTime(node.since)}>{ago(node.since)}</td>
      <td class="hide-md cause" title={node.cause}>{node.cause ?? ""}</td>
    </tr>
  );
}

function TreeTable(
  { rows, expanded, filtering, toggle }: {
    rows: Row[];
    expanded: Set<string>;
    filtering: boolean;
    toggle: (id: string) => void;
  },
) {
  const ref = useRef<HTMLTableElement>(null);
  const [start, end] = useWindowSlice(ref, rows.length, ROW_HEIGHT);
  return (
    <div class="table-wrap">
      <table class="tree" data-testid="status-tree" ref={ref} aria-rowcount={rows.length + 1}>
        <thead>
          <tr>
            <th>Name</th>
            <th class="w-state">State</th>
            <th class="w-counts hide-sm">Services</th>
            <th class="w-since hide-sm">Last change</th>
            <th class="hide-md">Cause</th>
          </tr>
        </thead>
        <tbody>
          <Spacer height={start * ROW_HEIGHT} columns={5} />
          {rows.slice(start, end).map((r) => (
            <TreeRow key={r.node.id} {...r} open={filtering || expanded.has(r.node.id)} toggle={toggle} />
          ))}
          <Spacer height={(rows.length - end) * ROW_HEIGHT} columns={5} />
        </tbody>
      </table>
      {rows.length === 0 && <Empty>No service matches this filter.</Empty>}
      <div class="table-foot muted small" data-testid="row-count">{rows.length.toLocaleString()} rows</div>
    </div>
  );
}

/** The status view. */
export function StatusView({ query }: { query: URLSearchParams }) {
  const tree = useApi(() => api<{ generatedAt: string; root: StatusNode }>("/status"), [], 15_000);
  const filter = query.get("state") ?? "all";
  const q = (query.get("q") ?? "").toLowerCase();
  const [expanded, setExpanded] = useState<Set<string> | null>(null);
  const set = (patch: Record<string, string | undefined>) =>
    navigate(
      href("/status", {
        state: filter === "all" ? undefined : filter,
        q: query.get("q") ?? undefined,
        ...patch,
      }),
      true,
    );
  return (
    <div class="view">
      <PageHeader
        title="Status"
        sub={tree.data ? `Updated ${dateTime(tree.data.generatedAt)}` : undefined}
      >
        <button type="button" class="btn small" onClick={tree.reload} disabled={tree.loading}>Refresh</button>
      </PageHeader>
      <Async value={tree}>
        {(t) => {
          const exp = expanded ?? new Set((t.root.children ?? []).map((c) => c.id));
          const rows = visibleRows(t.root, filter, q, exp);
          const toggle = (id: string) => {
            const next = new Set(exp);
            if (next.has(id)) next.delete(id);
            else next.add(id);
            setExpanded(next);
          };
          const expandAll = () => {
            const all = new Set<string>();
            const walk = (n: StatusNode) => {
              if (n.kind === "group") all.add(n.id);
              n.children?.forEach(walk);
            };
            walk(t.root);
            setExpanded(all);
          };
          return (
            <>
              <Summary root={t.root} />
              <div class="toolbar">
                <div class="chips" role="group" aria-label="Filter by state">
                  {FILTERS.map((f) => (
                    <button
                      type="button"
                      class={`chip${filter === f.id ? " on" : ""}`}
                      aria-pressed={filter === f.id}
                      onClick={() => set({ state: f.id === "all" ? undefined : f.id })}
                    >
                      {f.label}
                    </button>
                  ))}
                </div>
                <input
                  class="search"
                  type="search"
                  placeholder="Search services…"
                  aria-label="Search services"
                  value={query.get("q") ?? ""}
                  onInput={(e) => set({ q: e.currentTarget.value || undefined })}
                />
                <button type="button" class="btn small ghost" onClick={expandAll}>Expand all</button>
                <button type="button" class="btn small ghost" onClick={() => setExpanded(new Set())}>
                  Collapse
                </button>
              </div>
              <TreeTable rows={rows} expanded={exp} filtering={filter !== "all" || !!q} toggle={toggle} />
            </>
          );
        }}
      </Async>
    </div>
  );
}
