/**
 * {@linkcode Backend} over HTTP: {@linkcode createBackendRouter} serves any (partial) implementation as
 * `POST /rpc/<method>` with a JSON array of arguments and answers the JSON result (`null` for void);
 * errors answer `{error, message, problems}` with the {@linkcode SondeError}'s status. The live view is
 * served as Server-Sent Events (`GET /rpc/live?pool=`) for streaming clients and as long-poll feeds
 * (`POST /rpc/liveOpen|liveNext|liveClose`) for buffered clients such as the mTLS client.
 * {@linkcode createRemoteBackend} is the matching caller; it re-throws `ValidationError` and
 * `NotFoundError` from error bodies.
 *
 * @example
 * ```ts
 * import { createBackendRouter, createRemoteBackend } from "@sonde/shared/wire/api_rpc";
 * const app = createBackendRouter(worker); // served by serveMtls(app, {...})
 * const backend = createRemoteBackend(mtlsClient, "https://127.0.0.1:4200");
 * const tree = await backend.statusTree();
 * ```
 * @module
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { errorMessage, NotFoundError, SondeError, ValidationError } from "../errors.ts";
import type { Backend, RequestRow } from "./api.ts";
import type { TelemetrySession } from "./agent_config.ts";
import { pumpLiveFeed } from "./live_feed.ts";

/** A remote Worker: the {@linkcode Backend} plus the running recording sessions for the Server. */
export type RemoteBackend = Backend & { activeSessions(): Promise<TelemetrySession[]> };

/** Every method callable as `POST /rpc/<method>`: all of {@linkcode Backend} but `live`, plus the
 * Worker's `activeSessions` (what the Server puts into agent configurations). */
export const RPC_METHODS = [
  "statusTree",
  "service",
  "statusEvents",
  "counterSeries",
  "counterKeys",
  "agents",
  "acceptAgentFingerprint",
  "getConfig",
  "putConfigObject",
  "deleteConfigObject",
  "importConfig",
  "logPools",
  "requests",
  "request",
  "statistics",
  "browserTelemetry",
  "sessions",
  "startSession",
  "stopSession",
  "exportSession",
  "importSession",
  "sessionRequests",
  "sessionRequest",
  "activeSessions",
] as const;

/** The error body of a failed call. */
export interface RpcErrorBody {
  error: string;
  message: string;
  problems?: string[];
}

/** Live rows buffered per long-poll feed at most; older rows are dropped and counted. */
export const LIVE_FEED_MAX = 1000;
const FEED_IDLE_MS = 60_000;
const MAX_WAIT_MS = 25_000;

interface Feed {
  rows: RequestRow[];
  dropped: number;
  seen: number;
  wake?: () => void;
  unsubscribe: () => void;
}

function errorBody(e: unknown): { status: number; body: RpcErrorBody } {
  if (e instanceof SondeError) {
    const body: RpcErrorBody = { error: e.code, message: e.message };
    const problems = (e as { problems?: unknown }).problems;
    if (Array.isArray(problems)) body.problems = problems.map(String);
    return { status: e.status, body };
  }
  return { status: 500, body: { error: "internal", message: errorMessage(e) } };
}

function parsePool(text: string | undefined | null): number | null {
  if (text === undefined || text === null || text === "" || text === "all") return null;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new ValidationError(
      `pool: must be a positive integer or empty: current value is ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/** Serves `impl` under `/rpc/`; methods it lacks answer 404. */
export function createBackendRouter(impl: Partial<Backend>): Hono {
  const app = new Hono();
  const feeds = new Map<string, Feed>();
  const sweep = () => {
    const now = Date.now();
    for (const [id, f] of feeds) {
      if (!f.wake && now - f.seen > FEED_IDLE_MS) {
        f.unsubscribe();
        feeds.delete(id);
      }
    }
  };
  const live = () => {
    if (typeof impl.live !== "function") {
      throw new NotFoundError("Cannot subscribe: live view is not served here");
    }
    return impl.live.bind(impl);
  };
  app.onError((e, c) => {
    const { status, body } = errorBody(e);
    return c.json(body, status as 400);
  });
  app.notFound((c) => c.json({ error: "not_found", message: `No such RPC route: ${c.req.path}` }, 404));

  app.get("/rpc/live", (c) => {
    const pool = parsePool(c.req.query("pool"));
    const subscribe = live();
    return streamSSE(c, (stream) =>
      pumpLiveFeed<RequestRow>(stream, {
        subscribe: (push) => subscribe(pool, push),
        maxQueue: LIVE_FEED_MAX,
        overflow: "drop-oldest",
        hello: { event: "ready", data: "{}" },
        write: async (s, rows) => {
          for (const row of rows) {
            if (s.aborted) break; // the client went away: the rest is not written
            await s.writeSSE({ event: "request", data: JSON.stringify(row) });
          }
        },
      }));
  });

  app.post("/rpc/:method", async (c) => {
    const method = c.req.param("method");
    const args = await readArgs(c.req.raw);
    if (method === "liveOpen" || method === "liveNext" || method === "liveClose") {
      sweep();
      return c.json(await liveCall(method, args));
    }
    if (!(RPC_METHODS as readonly string[]).includes(method)) {
      throw new NotFoundError(`Cannot call "${method}": no such method`);
    }
    const fn = (impl as Record<string, unknown>)[method];
    if (typeof fn !== "function") throw new NotFoundError(`Cannot call "${method}": not served here`);
    const result = await (fn as (...a: unknown[]) => unknown).apply(impl, args);
    return c.json(result === undefined ? null : result);
  });

  async function liveCall(method: string, args: unknown[]): Promise<unknown> {
    if (method === "liveOpen") {
      const pool = args[0] === null || args[0] === undefined ? null : parsePool(String(args[0]));
      const id = crypto.randomUUID();
      const feed: Feed = { rows: [], dropped: 0, seen: Date.now(), unsubscribe: () => {} };
      feed.unsubscribe = live()(pool, (row) => {
        if (feed.rows.length >= LIVE_FEED_MAX) {
          feed.rows.shift();
          feed.dropped++;
        }
        feed.rows.push(row);
        feed.wake?.();
      });
      feeds.set(id, feed);
      return { feed: id };
    }
    const feed = feeds.get(String(args[0]));
    if (!feed) throw new NotFoundError(`Cannot use live feed ${JSON.stringify(args[0])}: unknown or expired`);
    if (method === "liveClose") {
      feed.unsubscribe();
      feeds.delete(String(args[0]));
      return null;
    }
    const waitMs = Math.min(MAX_WAIT_MS, Math.max(0, Number(args[1]) || 0));
    if (feed.rows.length === 0 && waitMs > 0) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, waitMs);
        feed.wake = () => {
          clearTimeout(t);
          r();
        };
      });
      feed.wake = undefined;
    }
    feed.seen = Date.now();
    const out = { rows: feed.rows.splice(0), dropped: feed.dropped };
    feed.dropped = 0;
    return out;
  }
  return app;
}

async function readArgs(req: Request): Promise<unknown[]> {
  const text = await req.text();
  if (text.trim() === "") return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`body: must be a JSON array of arguments: ${errorMessage(e)}`);
  }
  if (!Array.isArray(value)) {
    throw new ValidationError(
      `body: must be a JSON array of arguments: current value is ${text.slice(0, 40)}`,
    );
  }
  return value;
}

/** What {@linkcode createRemoteBackend} needs of a client (the mTLS client fits). */
export interface RpcClient {
  request(
    url: string,
    init?: {
      method?: string;
      headers?: Record<string, string>;
      body?: string | Uint8Array;
      timeoutMs?: number;
    },
  ): Promise<{ status: number; body: Uint8Array }>;
}

/** Options of {@linkcode createRemoteBackend}. */
export interface RemoteBackendOptions {
  /** Called when a live subscription fails and is retried, or rows were dropped. */
  onLiveProblem?: (message: string) => void;
}

/** A {@linkcode Backend} that calls a router made by {@linkcode createBackendRouter} at `baseUrl`. */
export function createRemoteBackend(
  client: RpcClient,
  baseUrl: string,
  opts: RemoteBackendOptions = {},
): RemoteBackend {
  const base = baseUrl.replace(/\/+$/, "");
  const call = async <T>(method: string, args: unknown[], timeoutMs?: number): Promise<T> => {
    const res = await client.request(`${base}/rpc/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(args),
      timeoutMs,
    });
    const text = new TextDecoder().decode(res.body);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new SondeError(
        "bad_response",
        `Cannot call ${method}: answer ${res.status} is not JSON: ${text.slice(0, 80)}`,
        {
          retryable: res.status >= 500,
          status: 502,
        },
      );
    }
    if (res.status >= 200 && res.status < 300) return value as T;
    const e = (value ?? {}) as Partial<RpcErrorBody>;
    const message = typeof e.message === "string" ? e.message : `${method} failed with status ${res.status}`;
    if (e.error === "invalid_input" || e.error === "config_invalid") {
      throw new ValidationError(Array.isArray(e.problems) ? e.problems.map(String) : message);
    }
    if (e.error === "not_found" || res.status === 404) throw new NotFoundError(message);
    throw new SondeError(typeof e.error === "string" ? e.error : "remote_error", message, {
      status: res.status,
      retryable: res.status >= 500,
    });
  };
  const live: Backend["live"] = (pool, onRequest) => {
    let stopped = false;
    let feed: string | undefined;
    (async () => {
      let backoff = 500;
      while (!stopped) {
        try {
          if (!feed) feed = (await call<{ feed: string }>("liveOpen", [pool])).feed;
          const next = await call<{ rows: RequestRow[]; dropped: number }>(
            "liveNext",
            [feed, 20_000],
            30_000,
          );
          if (next.dropped > 0) opts.onLiveProblem?.(`live feed dropped ${next.dropped} rows`);
          if (!stopped) { for (const row of next.rows) onRequest(row); }
          backoff = 500;
        } catch (e) {
          if (e instanceof NotFoundError) feed = undefined;
          opts.onLiveProblem?.(`live feed failed, retrying: ${errorMessage(e)}`);
          await new Promise((r) => setTimeout(r, backoff));
          backoff = Math.min(backoff * 2, 10_000);
        }
      }
      if (feed) await call("liveClose", [feed]).catch(() => {});
    })();
    return () => {
      stopped = true;
    };
  };
  const remote = { live } as RemoteBackend;
  for (const m of RPC_METHODS) {
    (remote as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => call(m, args);
  }
  return remote;
}
