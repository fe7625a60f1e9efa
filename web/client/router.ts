/**
 * Hash routing: every view has a deep link (`#/service/12?range=6h`). `useRoute()` re-renders on change.
 * @module
 */
import { useEffect, useState } from "preact/hooks";

/** The current route: path segments and query. */
export interface Route {
  path: string[];
  query: URLSearchParams;
}

/** Parses `location.hash`. */
export function currentRoute(): Route {
  const raw = location.hash.replace(/^#\/?/, "");
  const [p = "", q = ""] = raw.split("?");
  return { path: p.split("/").filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q) };
}

/** A link target for a path and query. */
export function href(path: string, query: Record<string, string | number | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return `#${path}${s ? `?${s}` : ""}`;
}

/** Navigates; `replace` keeps history clean for filter edits. */
export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, "", to);
  else location.hash = to.replace(/^#/, "");
  if (replace) dispatchEvent(new HashChangeEvent("hashchange"));
}

/** The current route, updated on navigation. */
export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const on = () => setRoute(currentRoute());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}
