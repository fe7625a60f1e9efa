/**
 * DEVELOPMENT FIXTURE: recording sessions of {@linkcode DevBackend}, over its in-memory requests.
 * @module
 */
import { NotFoundError, ValidationError } from "@sonde/shared/errors";
import type {
  RecordingSession,
  RequestDetail,
  RequestPage,
  RequestRow,
  StartSessionInput,
} from "./backend.ts";

/** In-memory recording sessions. */
export class DevRecordings {
  readonly #sessions: (RecordingSession & { rows: RequestRow[] })[] = [];
  #next = 1;

  constructor(private readonly rows: RequestRow[], private readonly details: Map<string, RequestDetail>) {}

  #find(id: string) {
    const s = this.#sessions.find((x) => x.id === id);
    if (!s) throw new NotFoundError(`Cannot find recording session "${id}"`);
    return s;
  }

  #matching(s: RecordingSession, until: number): RequestRow[] {
    // the fixture only makes requests while a live view listens, so it also records the 10 minutes before
    const from = (Date.parse(s.startedAt) - 600_000) * 1000;
    return this.rows.filter((r) =>
      r.startTs >= from && r.startTs <= until * 1000 &&
      (!s.appName || r.applications.some((a) => a.startsWith(s.appName!))) &&
      (!s.filter || Object.values(r.columns).some((v) => String(v).includes(s.filter!)))
    );
  }

  /** Sessions, newest first. */
  list(): RecordingSession[] {
    const now = Date.now();
    for (const s of this.#sessions) {
      if (s.state === "running" && Date.parse(s.untilAt) <= now) this.stop(s.id);
    }
    return this.#sessions.map(({ rows: _r, ...s }) => s).reverse();
  }

  /** Starts a session. */
  start(input: StartSessionInput): RecordingSession {
    const now = Date.now();
    const s = {
      id: `s${this.#next++}`,
      appName: input.appName,
      filter: input.filter,
      level: input.level,
      description: input.description ?? "",
      startedAt: new Date(now).toISOString(),
      untilAt: new Date(now + (input.durationMs ?? 3_600_000)).toISOString(),
      state: "running" as const,
      requestCount: 0,
      imported: false,
      rows: [],
    };
    this.#sessions.push(s);
    const { rows: _r, ...out } = s;
    return out;
  }

  /** Stops a session and keeps its requests. */
  stop(id: string): RecordingSession {
    const s = this.#find(id);
    if (s.state === "stopped") throw new ValidationError(`id: session "${id}" is already stopped`);
    Object.assign(s, { state: "stopped", stoppedAt: new Date().toISOString() });
    s.rows = this.#matching(s, Date.now());
    s.requestCount = s.rows.length;
    const { rows: _r, ...out } = s;
    return out;
  }

  /** JSON lines: the session, then one line per request with its events. */
  export(id: string): string {
    const s = this.#find(id);
    const { rows, ...head } = s;
    return [
      JSON.stringify(head),
      ...rows.map((r) => JSON.stringify(this.details.get(r.requestId) ?? { row: r })),
    ]
      .join("\n") + "\n";
  }

  /** Re-creates an exported session under a new id. */
  import(text: string): RecordingSession {
    const [head, ...lines] = text.split("\n").filter((l) => l.trim() !== "");
    let session: RecordingSession;
    let details: RequestDetail[];
    try {
      session = JSON.parse(head ?? "");
      details = lines.map((l) => JSON.parse(l));
    } catch (e) {
      throw new ValidationError(`body: must be an exported session (JSON lines): ${(e as Error).message}`);
    }
    for (const d of details) this.details.set(d.row.requestId, d);
    const s = { ...session, id: `s${this.#next++}`, imported: true, rows: details.map((d) => d.row) };
    this.#sessions.push(s);
    const { rows: _r, ...out } = s;
    return out;
  }

  /** A page of a session's requests, oldest first. */
  requests(id: string, cursor?: string, limit = 100): RequestPage {
    const s = this.#find(id);
    const rows = s.state === "running" ? this.#matching(s, Date.now()) : s.rows;
    const offset = Number(cursor ?? 0) || 0;
    const page = rows.slice(offset, offset + limit);
    return { rows: page, nextCursor: offset + limit < rows.length ? String(offset + limit) : undefined };
  }

  /** One request of a session. */
  request(id: string, requestId: string): RequestDetail {
    this.#find(id);
    const d = this.details.get(requestId);
    if (!d) throw new NotFoundError(`Cannot find request ${requestId} in session "${id}"`);
    return d;
  }
}
