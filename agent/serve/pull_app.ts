/**
 * The agent's pull endpoint (served over mTLS to the trusted server):
 *
 * - `GET /v1/records?after=SEQ&maxBytes=N` → the raw records with seq > SEQ, up to N bytes (at least
 *   one record), as `application/octet-stream`; headers `x-sonde-last-seq` (last seq in the body, or
 *   SEQ when empty), `x-sonde-first-seq` (first retained seq: a gap means records were dropped) and
 *   `x-sonde-records`, `x-sonde-journal-last-seq` (newest seq in the journal).
 *   With `ack=1` the request also acknowledges everything up to SEQ.
 * - `POST /v1/ack` `{"seq":N}` → frees what is acknowledged.
 * - `PUT /v1/config` `{"version":N,"config":{...}}` → validated, persisted, applied when newer.
 * - `GET /v1/config`, `GET /v1/status`.
 * @module
 */
import { Hono } from "hono";
import { ValidationError } from "@sonde/shared/errors";
import type { Logger } from "@sonde/shared/log";
import type { Journal } from "../buffer/journal.ts";
import type { ConfigStore } from "./config_store.ts";
import { errorHandler } from "./errors.ts";
import { agentStatus, type StatusSource } from "./status.ts";

/** Default and largest page of `GET /v1/records`. */
export const DEFAULT_PAGE_BYTES = 1024 * 1024;
export const MAX_PAGE_BYTES = 16 * 1024 * 1024;

/** What the pull endpoint serves. */
export interface PullDeps {
  journal: Journal;
  config: ConfigStore;
  status: StatusSource;
  log: Logger;
}

function intParam(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  fallback?: number,
): number {
  if (value === undefined || value === "") {
    if (fallback !== undefined) return fallback;
    throw new ValidationError(`${name}: is required`);
  }
  const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ValidationError(`${name}: must be an integer in ${min}..${max}: current value is "${value}"`);
  }
  return n;
}

async function jsonBody(req: Request): Promise<unknown> {
  const text = await req.text();
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`body: is not JSON: ${(e as Error).message}`);
  }
}

/** Builds the hono app of the pull endpoint. */
export function createPullApp(deps: PullDeps): Hono {
  const { journal, config } = deps;
  const app = new Hono();
  app.onError(errorHandler(deps.log));

  app.get("/v1/records", (c) => {
    const after = intParam(c.req.query("after"), "after", 0, Number.MAX_SAFE_INTEGER, 0);
    const maxBytes = intParam(c.req.query("maxBytes"), "maxBytes", 1, MAX_PAGE_BYTES, DEFAULT_PAGE_BYTES);
    // `ack=1`: the caller has stored everything up to `after` (saves a request per page)
    // (never beyond this journal's newest record: a cursor above it belongs to a wiped journal)
    if (c.req.query("ack") === "1" && after > 0 && after <= journal.lastSeq) journal.ack(after);
    const batch = journal.read(after, maxBytes);
    return c.body(batch.bytes as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/octet-stream",
      "x-sonde-last-seq": String(batch.lastSeq),
      "x-sonde-first-seq": String(journal.firstSeq),
      "x-sonde-records": String(batch.records.length),
      "x-sonde-journal-last-seq": String(journal.lastSeq),
    });
  });

  app.post("/v1/ack", async (c) => {
    const body = await jsonBody(c.req.raw);
    const seq = (body as { seq?: unknown } | null)?.seq;
    if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) {
      throw new ValidationError(
        `seq: must be a non-negative integer: current value is ${JSON.stringify(seq)}`,
      );
    }
    journal.ack(seq);
    return c.json({ ackedSeq: journal.stats().ackedSeq });
  });

  app.put("/v1/config", async (c) => c.json(config.offer(await jsonBody(c.req.raw))));
  app.get("/v1/config", (c) => c.json(config.envelope()));
  app.get("/v1/status", (c) => c.json(agentStatus(deps.status)));
  app.notFound((c) => c.json({ error: "not_found", message: `No route ${c.req.method} ${c.req.path}` }, 404));
  return app;
}
