/**
 * The agent's local telemetry intake on 127.0.0.1:4318: the SDK protocol (`POST /sonde/v1/events`,
 * JSON `{"events":[...]}`) and OTLP/HTTP traces (`POST /v1/traces`, JSON or protobuf, optionally gzip).
 * Accepted events above the wanted level are dropped and counted; the rest go to the sink (the journal).
 * Malformed input gets a 4xx with a message and is counted; the intake keeps serving.
 * @module
 */
import { Hono } from "hono";
import type { Service } from "@sonde/shared/service";
import { createLogger } from "@sonde/shared/log";
import { type EventBatch, parseEventBatchExact, type TelemetryEvent } from "@sonde/shared/wire/telemetry";
import { withoutBom } from "@sonde/shared/wire/types";
import { IntakeError, readBody } from "./body.ts";
import { decodeTraceRequest } from "./otlp_proto.ts";
import { parseTraceRequestJson } from "./otlp_json.ts";
import { spansToEvents } from "./otlp_events.ts";
import { traceResponseJson, traceResponseProto } from "./otlp_response.ts";
import { IntakeCounters, type IntakeStats } from "./stats.ts";

export type { IntakeStats };

/**
 * Where accepted events go; `false` means full (the batch is refused with 503 and counted). `raw`, when
 * given, is the JSON body the batch was read from, which reads back to exactly `batch` (an SDK batch
 * accepted whole), so it can be kept without serializing again.
 */
export interface EventSink {
  events(batch: EventBatch, raw?: Uint8Array): boolean;
}

/** Options of {@linkcode startIntake}. */
export interface IntakeOptions {
  /** Default `{hostname: "127.0.0.1", port: 4318}`; port 0 picks a free port. */
  listen?: { hostname?: string; port?: number };
  sink: EventSink;
  /** Highest level wanted for an event (log pool level or an active recording session). Default 70. */
  levelFor?: (event: TelemetryEvent) => number;
  /** Largest body, before and after gzip inflation. Default 8 MiB. */
  maxBodyBytes?: number;
}

/** A running intake. */
export interface Intake extends Service {
  readonly port: number;
  stats(): IntakeStats;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(body));
  } catch (e) {
    throw new IntakeError(
      400,
      "bad_request",
      `Cannot parse JSON body: ${e instanceof Error ? e.message : e}`,
    );
  }
}

function kind(req: Request): string {
  return (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

/** Starts the intake. */
export async function startIntake(options: IntakeOptions): Promise<Intake> {
  const log = createLogger("agent/intake");
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const levelFor = options.levelFor ?? (() => 70);
  const counters = new IntakeCounters();

  const deliver = (events: TelemetryEvent[], raw?: Uint8Array): void => {
    const wanted = events.filter((e) => e.level <= levelFor(e));
    counters.droppedLevel += events.length - wanted.length;
    if (wanted.length === 0) return;
    if (!options.sink.events({ events: wanted }, wanted.length === events.length ? raw : undefined)) {
      counters.droppedSink += wanted.length;
      throw new IntakeError(
        503,
        "sink_full",
        `Cannot accept ${wanted.length} events: the agent's journal is full`,
      );
    }
    counters.accepted += wanted.length;
    counters.batches++;
  };

  const app = new Hono();
  app.post("/sonde/v1/events", async (c) => {
    if (kind(c.req.raw) !== "application/json") {
      throw new IntakeError(
        415,
        "unsupported_type",
        `Cannot accept content-type "${kind(c.req.raw)}": use application/json`,
      );
    }
    const body = await readBody(c.req.raw, maxBodyBytes);
    let batch: EventBatch;
    let exact: boolean;
    try {
      ({ batch, exact } = parseEventBatchExact(parseJson(body)));
    } catch (e) {
      if (e instanceof IntakeError) throw e;
      throw new IntakeError(400, "bad_request", (e as Error).message);
    }
    deliver(batch.events, exact ? withoutBom(body) : undefined);
    return c.json({ accepted: batch.events.length });
  });
  app.post("/v1/traces", async (c) => {
    const type = kind(c.req.raw);
    const proto = type === "application/x-protobuf" || type === "application/protobuf";
    if (!proto && type !== "application/json") {
      throw new IntakeError(
        415,
        "unsupported_type",
        `Cannot accept content-type "${type}": use application/x-protobuf or application/json`,
      );
    }
    const body = await readBody(c.req.raw, maxBodyBytes);
    let converted;
    try {
      converted = spansToEvents(proto ? decodeTraceRequest(body) : parseTraceRequestJson(parseJson(body)));
    } catch (e) {
      if (e instanceof IntakeError) throw e;
      throw new IntakeError(400, "bad_request", (e as Error).message);
    }
    counters.spans += converted.spans;
    counters.invalidSpans += converted.invalidSpans;
    deliver(converted.events);
    const why = converted.invalidSpans > 0
      ? `${converted.invalidSpans} spans have an invalid (all-zero or wrongly sized) trace id or span id`
      : "";
    if (proto) {
      return c.body(traceResponseProto(converted.invalidSpans, why), 200, {
        "content-type": "application/x-protobuf",
      });
    }
    return c.json(traceResponseJson(converted.invalidSpans, why));
  });
  app.notFound((c) => c.json({ error: `No intake at ${c.req.method} ${c.req.path}` }, 404));
  app.onError((err, c) => {
    if (err instanceof IntakeError) {
      counters.count(err.reason);
      return c.json({ error: err.message }, err.status as 400);
    }
    counters.count("internal");
    log.error("intake request failed", { error: err });
    return c.json({ error: `Internal error: ${err.message}` }, 500);
  });

  const ac = new AbortController();
  const server = Deno.serve({
    hostname: options.listen?.hostname ?? "127.0.0.1",
    port: options.listen?.port ?? 4318,
    signal: ac.signal,
    onListen: () => {},
  }, app.fetch);
  const port = server.addr.port;
  log.info("intake listening", { port });
  return {
    name: "agent/intake",
    port,
    stats: () => counters.snapshot(),
    stop: async () => {
      ac.abort();
      await server.finished.catch(() => {});
    },
  };
}
