/**
 * The client's access to the JSON API: same-origin fetch with the CSRF header on writes, errors as
 * {@linkcode ApiError} with the server's message and field problems.
 * @module
 */

/** An API call that failed; `problems` are field-path messages from a ValidationError. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly problems: string[] = []) {
    super(message);
  }

  /** Problems whose path starts with `field` (`params.url`), without the path. */
  forField(field: string): string | undefined {
    const p = this.problems.find((x) => x.startsWith(`${field}:`));
    return p?.slice(field.length + 1).trim();
  }
}

/** Called when any call answers 401 (the session ended). */
export const onUnauthorized: { fn: () => void } = { fn: () => {} };

function csrfToken(): string {
  return /(?:^|;\s*)sonde_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? "";
}

/** Calls the API; resolves with the parsed JSON body. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; raw?: string } = {},
): Promise<T> {
  const method = init.method ?? "GET";
  const headers: Record<string, string> = { accept: "application/json" };
  if (method !== "GET") headers["x-csrf-token"] = csrfToken();
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (init.raw !== undefined) headers["content-type"] = "text/plain; charset=utf-8";
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers,
      body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      credentials: "same-origin",
    });
  } catch (e) {
    throw new ApiError(0, `Cannot reach the Sonde server: ${e instanceof Error ? e.message : e}`);
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    if (res.status === 401 && path !== "/login") onUnauthorized.fn();
    throw new ApiError(res.status, data.message ?? `${res.status} ${res.statusText}`, data.problems ?? []);
  }
  return data as T;
}

/** Builds a query string from defined values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : "";
}
