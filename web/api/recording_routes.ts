/**
 * Recording sessions (Worker): while one runs, agents forward events up to its level for matching
 * requests; stopped sessions are opened, exported (JSON lines) and imported. Optional Backend methods
 * that are missing answer 503.
 * @module
 */
import { Hono } from "hono";
import { SondeError, ValidationError } from "@sonde/shared/errors";
import type { Backend, StartSessionInput } from "../backend.ts";
import { requireRole } from "../auth/middleware.ts";
import type { ApiContext, WebEnv } from "./env.ts";
import { intParam, jsonBody } from "./params.ts";

type SessionMethod =
  | "sessions"
  | "startSession"
  | "stopSession"
  | "exportSession"
  | "importSession"
  | "sessionRequests"
  | "sessionRequest";

function method<K extends SessionMethod>(b: Backend, name: K): NonNullable<Backend[K]> {
  const fn = b[name];
  if (typeof fn !== "function") {
    throw new SondeError("unavailable", `Cannot use recording sessions: the Worker does not offer ${name}`, {
      status: 503,
    });
  }
  return (fn as (...a: unknown[]) => unknown).bind(b) as NonNullable<Backend[K]>;
}

/** Validates the body of `POST /api/recordings`. */
export function parseStartSession(body: unknown): StartSessionInput {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const problems: string[] = [];
  const optStr = (k: string) => {
    if (b[k] === undefined || b[k] === "") return undefined;
    if (typeof b[k] !== "string" || (b[k] as string).length > 200) {
      problems.push(`${k}: must be text of at most 200 characters`);
      return undefined;
    }
    return b[k] as string;
  };
  const level = b.level ?? 60;
  if (typeof level !== "number" || !Number.isInteger(level) || level < 0 || level > 100) {
    problems.push(
      `level: must be a level from 0 to 100 (DETAIL 60, DEBUG 70): current value is ${JSON.stringify(level)}`,
    );
  }
  const durationMs = b.durationMs;
  if (
    durationMs !== undefined &&
    (typeof durationMs !== "number" || durationMs < 1000 || durationMs > 7 * 86_400_000)
  ) {
    problems.push(
      `durationMs: must be between 1000 and ${7 * 86_400_000}: current value is ${
        JSON.stringify(durationMs)
      }`,
    );
  }
  const input: StartSessionInput = {
    appName: optStr("appName"),
    filter: optStr("filter"),
    description: optStr("description"),
    level: level as number,
    durationMs: durationMs as number | undefined,
  };
  if (problems.length) throw new ValidationError(problems);
  return input;
}

function idParam(raw: string): string {
  if (!/^[\w-]{1,100}$/.test(raw)) {
    throw new ValidationError(
      `path parameter "id": must be a session id: current value is "${raw.slice(0, 100)}"`,
    );
  }
  return raw;
}

/** Routes under `/api/recordings`. */
export function recordingRoutes(ctx: ApiContext): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const b = ctx.backend;
  const operator = requireRole("operator");
  app.get("/recordings", async (c) => c.json(await method(b, "sessions")()));
  app.post(
    "/recordings",
    operator,
    async (c) => c.json(await method(b, "startSession")(parseStartSession(await jsonBody(c))), 201),
  );
  app.post(
    "/recordings/import",
    operator,
    async (c) => c.json(await method(b, "importSession")(await c.req.text()), 201),
  );
  app.post(
    "/recordings/:id/stop",
    operator,
    async (c) => c.json(await method(b, "stopSession")(idParam(c.req.param("id")))),
  );
  app.get("/recordings/:id/export", async (c) => {
    const id = idParam(c.req.param("id"));
    const text = await method(b, "exportSession")(id);
    return c.body(text, 200, {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="sonde-session-${id}.jsonl"`,
    });
  });
  app.get("/recordings/:id/requests", async (c) =>
    c.json(
      await method(b, "sessionRequests")(
        idParam(c.req.param("id")),
        c.req.query("cursor") || undefined,
        intParam(c, "limit", { min: 1, max: 1000, default: 100 }),
      ),
    ));
  app.get("/recordings/:id/requests/:rid", async (c) => {
    const rid = c.req.param("rid");
    if (!/^[0-9a-f]{32}$/.test(rid)) {
      throw new ValidationError(
        `path parameter "rid": must be 32 lowercase hex digits: current value is "${rid}"`,
      );
    }
    return c.json(await method(b, "sessionRequest")(idParam(c.req.param("id")), rid));
  });
  return app;
}
