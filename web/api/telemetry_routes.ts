/**
 * Log pools, requests, statistics and the live view (answered by the Worker through the Backend), and
 * the browser-telemetry intake.
 * @module
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { SondeError, ValidationError } from "@sonde/shared/errors";
import type { RequestQuery, RequestRow } from "../backend.ts";
import type { ApiContext, WebEnv } from "./env.ts";
import { pumpLiveFeed } from "@sonde/shared/wire/live_feed";
import { enumParam, intParam, optionalInt, rangeParams } from "./params.ts";

/** Largest browser-telemetry body accepted. */
export const MAX_TELEMETRY_BYTES = 1 << 20;
/** Rows a live-view connection may have queued before new ones are dropped (and counted). */
export const LIVE_QUEUE = 500;

/** Counters of the live view. */
export const liveStats = { connections: 0, dropped: 0 };

const openStreams = new Set<() => void>();

/** Ends every open live-view stream, so a graceful HTTP shutdown does not wait for them. */
export function closeLiveStreams(): void {
  for (const close of openStreams) close();
}

/** Routes under `/api` for log pools, requests, statistics, live view and browser telemetry. */
export function telemetryRoutes(ctx: ApiContext): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const b = ctx.backend;
  app.get("/pools", async (c) => c.json(await b.logPools()));
  app.get("/pools/:pool/requests", async (c) => {
    const columns: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.req.queries())) {
      if (k.startsWith("col.") && v[0]) columns[k.slice(4)] = v[0];
    }
    const q: RequestQuery = {
      pool: intParam(c, "pool", { path: true, min: 1 }),
      ...rangeParams(c, 3_600_000),
      q: c.req.query("q") || undefined,
      status: enumParam(c, "status", ["ok", "warning", "error"] as const),
      minDurationUs: optionalInt(c, "minDurationUs", { min: 0 }),
      agent: c.req.query("agent") || undefined,
      app: c.req.query("app") || undefined,
      columns: Object.keys(columns).length ? columns : undefined,
      sort: enumParam(c, "sort", ["start", "-start", "duration", "-duration"] as const),
      cursor: c.req.query("cursor") || undefined,
      limit: intParam(c, "limit", { min: 1, max: 1000, default: 100 }),
    };
    return c.json(await b.requests(q));
  });
  app.get("/pools/:pool/requests/:rid", async (c) => {
    const rid = c.req.param("rid");
    if (!/^[0-9a-f]{32}$/.test(rid)) {
      throw new ValidationError(
        `path parameter "rid": must be 32 lowercase hex digits: current value is "${rid}"`,
      );
    }
    return c.json(await b.request(intParam(c, "pool", { path: true, min: 1 }), rid));
  });
  app.get("/pools/:pool/statistics", async (c) => {
    const range = rangeParams(c, 3_600_000);
    const bucketMs = intParam(c, "bucketMs", {
      min: 1000,
      default: Math.max(1000, Math.round((range.to - range.from) / 60)),
    });
    if ((range.to - range.from) / bucketMs > 2000) {
      throw new ValidationError(
        `query parameter "bucketMs": gives more than 2000 buckets for this range: current value is "${bucketMs}"`,
      );
    }
    return c.json(
      await b.statistics({
        pool: intParam(c, "pool", { path: true, min: 1 }),
        ...range,
        bucketMs,
        groupBy: c.req.query("groupBy") || undefined,
      }),
    );
  });

  app.get("/live", (c) => {
    const pool = optionalInt(c, "pool", { min: 1 }) ?? null;
    return streamSSE(c, (stream) =>
      pumpLiveFeed<RequestRow>(stream, {
        subscribe: (push) => b.live(pool, push),
        maxQueue: LIVE_QUEUE,
        overflow: "drop-newest",
        onDrop: () => liveStats.dropped++,
        hello: { event: "hello", data: JSON.stringify({ pool }) },
        write: (s, rows) => s.writeSSE({ event: "requests", data: JSON.stringify(rows) }),
        onOpen: (close) => {
          liveStats.connections++;
          openStreams.add(close);
        },
        onClose: (close) => {
          liveStats.connections--;
          openStreams.delete(close);
        },
      }));
  });

  app.post("/telemetry", async (c) => {
    if (!(c.req.header("content-type") ?? "").startsWith("application/json")) {
      throw new SondeError(
        "unsupported_media_type",
        "Cannot take telemetry: content-type must be application/json",
        {
          status: 415,
        },
      );
    }
    const length = Number(c.req.header("content-length") ?? "0");
    if (length > MAX_TELEMETRY_BYTES) {
      throw new SondeError(
        "too_large",
        `Cannot take telemetry: body of ${length} bytes exceeds ${MAX_TELEMETRY_BYTES}`,
        {
          status: 413,
        },
      );
    }
    const text = await c.req.text();
    if (text.length > MAX_TELEMETRY_BYTES) {
      throw new SondeError("too_large", `Cannot take telemetry: body exceeds ${MAX_TELEMETRY_BYTES} bytes`, {
        status: 413,
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new ValidationError(`body: must be JSON: ${e instanceof Error ? e.message : e}`);
    }
    return c.json(await b.browserTelemetry(body), 202);
  });
  return app;
}
