/** @jsxImportSource preact */
/**
 * Small building blocks of the client: state badges, loading and error states, formatting helpers and
 * a data-loading hook.
 * @module
 */
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../api.ts";

/** A service state. */
export type State = "OK" | "WARNING" | "CRITICAL" | "UNKNOWN";

/** A coloured badge with the state's name. */
export function StateBadge({ state, small }: { state: string; small?: boolean }) {
  return <span class={`badge st-${state.toLowerCase()}${small ? " small" : ""}`}>{state}</span>;
}

/** A coloured dot (the state's name is the accessible label). */
export function StateDot({ state }: { state: string }) {
  return <span class={`dot st-${state.toLowerCase()}`} role="img" aria-label={state} title={state} />;
}

/** Loading placeholder. */
export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div class="loading" role="status" aria-live="polite">
      <span class="spinner" /> {label}
    </div>
  );
}

/** An error box with an optional retry. */
export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  const msg = error instanceof Error ? error.message : String(error);
  const status = error instanceof ApiError ? error.status : 0;
  return (
    <div class="error-box" role="alert">
      <strong>
        {status === 503 ? "Not available" : status === 404 ? "Not found" : "Something went wrong"}
      </strong>
      <span>{msg}</span>
      {retry && <button type="button" class="btn small" onClick={retry}>Retry</button>}
    </div>
  );
}

/** An empty-state message. */
export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

/** Page header with title and actions. */
export function PageHeader(
  { title, sub, children }: {
    title: ComponentChildren;
    sub?: ComponentChildren;
    children?: ComponentChildren;
  },
) {
  return (
    <header class="page-header">
      <div>
        <h1>{title}</h1>
        {sub && <div class="sub">{sub}</div>}
      </div>
      {children && <div class="actions">{children}</div>}
    </header>
  );
}

/** The result of {@linkcode useApi}. */
export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads `fn()` whenever `deps` change; keeps the previous data while reloading. */
export function useApi<T>(fn: () => Promise<T>, deps: unknown[], refreshMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const seq = useRef(0);
  const load = useCallback(() => {
    const n = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    fn().then(
      (data) => n === seq.current && setState({ data, loading: false }),
      (error) => n === seq.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, deps);
  useEffect(() => {
    load();
    if (!refreshMs) return;
    const t = setInterval(load, refreshMs);
    return () => clearInterval(t);
  }, [load]);
  return { ...state, reload: load };
}

/** Renders loading / error / content for a {@linkcode Loaded}. */
export function Async<T>(
  { value, children }: { value: Loaded<T>; children: (data: T) => ComponentChildren },
) {
  if (value.data !== undefined) {
    return (
      <>
        {value.error !== undefined && <ErrorBox error={value.error} retry={value.reload} />}
        {children(value.data)}
      </>
    );
  }
  if (value.error !== undefined) return <ErrorBox error={value.error} retry={value.reload} />;
  return <Loading />;
}

/** Time of day for today, date and time otherwise (for dense tables). */
export function shortTime(t: number): string {
  const d = new Date(t);
  const today = new Date().toDateString() === d.toDateString();
  return today
    ? d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" })
    : d.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** `3 min ago` style relative time. */
export function ago(iso: string | number | undefined): string {
  if (iso === undefined) return "never";
  const t = typeof iso === "number" ? iso : Date.parse(iso);
  const s = Math.round((Date.now() - t) / 1000);
  if (s < 0) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/** Local date and time, seconds precision. */
export function dateTime(t: string | number): string {
  const d = new Date(t);
  return d.toLocaleString(undefined, {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** A duration in µs as `84 ms`, `1.24 s`, `512 µs`. */
export function durUs(us: number): string {
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 1 : 0)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

/** A count with thousands separators. */
export function num(n: number): string {
  return n.toLocaleString();
}
