/**
 * Recording sessions: started with an application, a filter value, a level and a description; while
 * one runs the Server puts it into each agent's configuration (`telemetry.sessions`, from
 * {@linkcode Sessions.active}) so agents forward events up to its level for matching requests; on stop
 * (or when its time is up) the requests of its window matching app and filter are copied into the
 * session, which can then be listed, opened like a request set, exported and re-imported.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "@sonde/shared/db";
import { NotFoundError, ValidationError } from "@sonde/shared/errors";
import type { RecordingSession, StartSessionInput } from "@sonde/shared/api";
import type { TelemetrySession } from "@sonde/shared/wire/agent_config";
import { check, checkInt, checkString, objectOf } from "../query/validate.ts";
import { type CaptureDeps, captureRequests } from "./capture.ts";

/** Default length of a session. */
export const DEFAULT_SESSION_MS = 3_600_000;
/** Longest session. */
export const MAX_SESSION_MS = 7 * 86_400_000;

type SessionRow = {
  id: string;
  app_name: string | null;
  filter: string | null;
  level: number;
  description: string;
  started_at: Date;
  until_at: Date;
  stopped_at: Date | null;
  request_count: number;
  imported: boolean;
};

/** Converts a stored session. */
export function toSession(r: SessionRow): RecordingSession {
  const s: RecordingSession = {
    id: r.id,
    level: r.level,
    description: r.description,
    startedAt: new Date(r.started_at).toISOString(),
    untilAt: new Date(r.until_at).toISOString(),
    state: r.stopped_at ? "stopped" : "running",
    requestCount: r.request_count,
    imported: r.imported,
  };
  if (r.app_name !== null) s.appName = r.app_name;
  if (r.filter !== null) s.filter = r.filter;
  if (r.stopped_at) s.stoppedAt = new Date(r.stopped_at).toISOString();
  return s;
}

/** Validates a {@linkcode StartSessionInput}. */
export function parseStartSession(value: unknown): StartSessionInput {
  const problems: string[] = [];
  const o = objectOf(problems, value, "session");
  const input: StartSessionInput = {
    appName: checkString(problems, o, "appName", 256, false) || undefined,
    filter: checkString(problems, o, "filter", 256, false) || undefined,
    level: checkInt(problems, o, "level", 0, 255, true) ?? 0,
    description: checkString(problems, o, "description", 2000, false) ?? "",
    durationMs: checkInt(problems, o, "durationMs", 1000, MAX_SESSION_MS, false) ?? DEFAULT_SESSION_MS,
  };
  check(problems);
  return input;
}

/** Recording sessions over the store. */
export class Sessions {
  constructor(private readonly db: Kysely<Database>, private readonly deps: CaptureDeps) {}

  /** Starts a session now. */
  async start(raw: StartSessionInput, now = Date.now()): Promise<RecordingSession> {
    const input = parseStartSession(raw);
    const row = await this.db.insertInto("recording_session").values({
      id: crypto.randomUUID(),
      app_name: input.appName ?? null,
      filter: input.filter ?? null,
      level: input.level,
      description: input.description ?? "",
      started_at: new Date(now),
      until_at: new Date(now + input.durationMs!),
      stopped_at: null,
    }).returningAll().executeTakeFirstOrThrow();
    return toSession(row);
  }

  async #get(id: string): Promise<SessionRow> {
    if (typeof id !== "string" || id.length > 64) {
      throw new ValidationError(`id: must be a session id: current value is ${JSON.stringify(id)}`);
    }
    const row = await this.db.selectFrom("recording_session").selectAll().where("id", "=", id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`Cannot find recording session "${id}"`);
    return row;
  }

  /** Stops a running session and captures its requests; a stopped one is returned as it is. */
  async stop(id: string, now = Date.now()): Promise<RecordingSession> {
    const row = await this.#get(id);
    if (row.stopped_at) return toSession(row);
    const end = Math.min(now, new Date(row.until_at).getTime());
    const claimed = await this.db.updateTable("recording_session").set({ stopped_at: new Date(end) })
      .where("id", "=", id).where("stopped_at", "is", null).returningAll().executeTakeFirst();
    if (!claimed) return toSession(await this.#get(id));
    const { count, truncated } = await captureRequests(this.db, this.deps, claimed);
    const done = await this.db.updateTable("recording_session")
      .set({ request_count: count, truncated }).where("id", "=", id).returningAll().executeTakeFirstOrThrow();
    return toSession(done);
  }

  /** Stops every session whose time is up. */
  async finishExpired(now = Date.now()): Promise<number> {
    const due = await this.db.selectFrom("recording_session").select("id")
      .where("stopped_at", "is", null).where("until_at", "<=", new Date(now)).execute();
    for (const d of due) await this.stop(d.id, now);
    return due.length;
  }

  /** Every session, newest first (expired ones are stopped first). */
  async list(now = Date.now()): Promise<RecordingSession[]> {
    await this.finishExpired(now);
    const rows = await this.db.selectFrom("recording_session").selectAll()
      .orderBy("started_at", "desc").orderBy("id").execute();
    return rows.map(toSession);
  }

  /** The running sessions in the shape of the agent configuration's `telemetry.sessions`. */
  async active(now = Date.now()): Promise<TelemetrySession[]> {
    const rows = await this.db.selectFrom("recording_session").selectAll()
      .where("stopped_at", "is", null).where("until_at", ">", new Date(now)).where("imported", "=", false)
      .orderBy("started_at").execute();
    return rows.map((r) => {
      const s: TelemetrySession = { id: r.id, level: r.level, untilMs: new Date(r.until_at).getTime() };
      if (r.app_name !== null) s.appName = r.app_name;
      if (r.filter !== null) s.filter = r.filter;
      return s;
    });
  }

  /** The stored session row (for export). */
  row(id: string): Promise<SessionRow> {
    return this.#get(id);
  }
}
