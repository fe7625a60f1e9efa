/**
 * A session as one file: JSON lines, first `{"type":"session",...}` with the session's fields (no id),
 * then one `{"type":"request","row":...,"events":[...]}` per request in recording order. Importing
 * creates a new session (new id, `imported`) holding the same requests and events, so exporting it
 * again yields the same file.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "@sonde/shared/db";
import { ValidationError } from "@sonde/shared/errors";
import type { RecordingSession, RequestDetail, RequestPage, RequestRow } from "@sonde/shared/api";
import { NotFoundError } from "@sonde/shared/errors";
import type { RequestEvent } from "@sonde/shared/api";
import { parseTelemetryEvent } from "@sonde/shared/wire/telemetry";
import { buildSpanTree } from "../query/span_tree.ts";
import { MAX_SESSION_REQUESTS } from "./capture.ts";
import { type Sessions, toSession } from "./sessions.ts";

/** Largest file {@linkcode importSession} takes. */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

/** Exports session `id` as JSON lines. */
export async function exportSession(db: Kysely<Database>, sessions: Sessions, id: string): Promise<string> {
  const s = await sessions.row(id);
  if (!s.stopped_at) throw new ValidationError(`id: session "${id}" is still running; stop it first`);
  const head = {
    type: "session",
    version: 1,
    appName: s.app_name,
    filter: s.filter,
    level: s.level,
    description: s.description,
    startedAt: new Date(s.started_at).toISOString(),
    untilAt: new Date(s.until_at).toISOString(),
    stoppedAt: new Date(s.stopped_at).toISOString(),
  };
  const lines = [JSON.stringify(head)];
  const rows = await db.selectFrom("session_request").select(["row_json", "events_json"])
    .where("session_id", "=", id).orderBy("seq").execute();
  for (const r of rows) {
    const row = typeof r.row_json === "string" ? r.row_json : JSON.stringify(r.row_json);
    lines.push(`{"type":"request","row":${row},"events":${r.events_json}}`);
  }
  return lines.join("\n") + "\n";
}

function parseRow(v: unknown, line: number): RequestRow {
  const r = v as RequestRow;
  if (
    typeof r !== "object" || r === null || typeof r.requestId !== "string" ||
    !Number.isSafeInteger(r.startTs) ||
    !Number.isSafeInteger(r.durationUs) || !["ok", "warning", "error"].includes(r.status) ||
    !Array.isArray(r.agents) || !Array.isArray(r.applications) || typeof r.columns !== "object"
  ) throw new ValidationError(`line ${line}: "row" is not a request row`);
  return r;
}

function parseEvents(v: unknown, line: number): RequestEvent[] {
  if (!Array.isArray(v)) throw new ValidationError(`line ${line}: "events" must be an array`);
  return v.map((e, i) => {
    try {
      const agent = (e as { agent?: unknown }).agent;
      if (typeof agent !== "string") throw new TypeError(`"agent" must be a string`);
      return { ...parseTelemetryEvent(e, "session file", `events[${i}]`), agent };
    } catch (err) {
      throw new ValidationError(`line ${line}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}

/** Imports a file made by {@linkcode exportSession}; returns the new session. */
export async function importSession(db: Kysely<Database>, body: string): Promise<RecordingSession> {
  if (typeof body !== "string" || body.length > MAX_IMPORT_BYTES) {
    throw new ValidationError(
      `body: must be the text of an exported session of at most ${MAX_IMPORT_BYTES} bytes`,
    );
  }
  const lines = body.split("\n").filter((l) => l.trim() !== "");
  const parse = (l: string, i: number) => {
    try {
      return JSON.parse(l);
    } catch {
      throw new ValidationError(`line ${i + 1}: is not JSON: ${l.slice(0, 40)}`);
    }
  };
  const head = parse(lines[0] ?? "", 0);
  if (head?.type !== "session" || head.version !== 1) {
    throw new ValidationError(
      `line 1: must be a version-1 session header ({"type":"session","version":1,...})`,
    );
  }
  if (lines.length - 1 > MAX_SESSION_REQUESTS) {
    throw new ValidationError(
      `body: holds ${lines.length - 1} requests, at most ${MAX_SESSION_REQUESTS} allowed`,
    );
  }
  const times = ["startedAt", "untilAt", "stoppedAt"].map((k) => {
    const t = Date.parse(head[k]);
    if (typeof head[k] !== "string" || Number.isNaN(t)) {
      throw new ValidationError(`line 1: "${k}" must be an ISO time`);
    }
    return new Date(t);
  });
  if (!Number.isInteger(head.level) || head.level < 0 || head.level > 255) {
    throw new ValidationError(
      `line 1: "level" must be an integer from 0 to 255: current value is ${head.level}`,
    );
  }
  const requests = lines.slice(1).map((l, i) => {
    const o = parse(l, i + 1);
    if (o?.type !== "request") throw new ValidationError(`line ${i + 2}: must be a request line`);
    return { row: parseRow(o.row, i + 2), events: parseEvents(o.events, i + 2) };
  });
  const id = crypto.randomUUID();
  return await db.transaction().execute(async (tx) => {
    const row = await tx.insertInto("recording_session").values({
      id,
      app_name: typeof head.appName === "string" ? head.appName : null,
      filter: typeof head.filter === "string" ? head.filter : null,
      level: head.level,
      description: typeof head.description === "string" ? head.description : "",
      started_at: times[0]!,
      until_at: times[1]!,
      stopped_at: times[2]!,
      request_count: requests.length,
      imported: true,
    }).returningAll().executeTakeFirstOrThrow();
    for (let i = 0; i < requests.length; i += 200) {
      await tx.insertInto("session_request").values(
        requests.slice(i, i + 200).map((r, j) => ({
          session_id: id,
          seq: i + j,
          request_id: r.row.requestId,
          row_json: JSON.stringify(r.row),
          events_json: JSON.stringify(r.events),
        })),
      ).execute();
    }
    return toSession(row);
  });
}

/** A page of a session's requests in recording order; the cursor is the next position. */
export async function sessionRequests(
  db: Kysely<Database>,
  sessions: Sessions,
  id: string,
  cursor?: string,
  limit = 100,
): Promise<RequestPage> {
  await sessions.row(id);
  const from = cursor === undefined || cursor === null ? 0 : Number(cursor);
  if (!Number.isSafeInteger(from) || from < 0) {
    throw new ValidationError(`cursor: must come from a previous page`);
  }
  const n = Number.isSafeInteger(limit) && limit > 0 ? Math.min(limit, 1000) : 100;
  const rows = await db.selectFrom("session_request").select(["seq", "row_json"])
    .where("session_id", "=", id).where("seq", ">=", from).orderBy("seq").limit(n + 1).execute();
  const page: RequestPage = {
    rows: rows.slice(0, n).map((r) => (typeof r.row_json === "string" ? JSON.parse(r.row_json) : r.row_json)),
  };
  if (rows.length > n) page.nextCursor = String(rows[n]!.seq);
  return page;
}

/** One request of a session with its events and span tree. */
export async function sessionRequest(
  db: Kysely<Database>,
  sessions: Sessions,
  id: string,
  requestId: string,
): Promise<RequestDetail> {
  await sessions.row(id);
  const r = await db.selectFrom("session_request").select(["row_json", "events_json"])
    .where("session_id", "=", id).where("request_id", "=", String(requestId)).executeTakeFirst();
  if (!r) throw new NotFoundError(`Cannot find request ${requestId} in recording session "${id}"`);
  const events = JSON.parse(r.events_json) as RequestEvent[];
  const row = (typeof r.row_json === "string" ? JSON.parse(r.row_json) : r.row_json) as RequestRow;
  return { row, events, tree: buildSpanTree(events) };
}
