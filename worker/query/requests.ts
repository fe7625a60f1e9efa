/**
 * Research: the requests of one log pool over a time range, with filters on status, duration, agent,
 * application and columns, full-text search (a GIN-indexed `tsvector` of name, column values,
 * applications and event texts; every word must match as a prefix), sorting by start or duration, and
 * keyset paging with an opaque cursor (no OFFSET: page 1,000 costs what page 1 costs).
 * @module
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "@sonde/shared/db";
import { ValidationError } from "@sonde/shared/errors";
import type { RequestPage, RequestQuery } from "@sonde/shared/api";
import { type AgentNames, type DbRequestRow, isoMicros, ROW_COLUMNS, toRequestRows } from "./request_row.ts";
import { check, checkEnum, checkInt, checkRange, checkString, checkTime, objectOf } from "./validate.ts";
import { searchQuery } from "@sonde/shared/telemetry/search";

/** Most rows per page. */
export const MAX_PAGE = 1000;
const SORTS = ["start", "-start", "duration", "-duration"] as const;

/** Validates a {@linkcode RequestQuery}; throws `ValidationError` listing every problem. */
export function parseRequestQuery(value: unknown): RequestQuery {
  const problems: string[] = [];
  const o = objectOf(problems, value, "query");
  const q = {
    pool: checkInt(problems, o, "pool", 1, 2 ** 31 - 1, true),
    from: checkTime(problems, o, "from", true),
    to: checkTime(problems, o, "to", true),
    q: checkString(problems, o, "q", 500, false),
    status: checkEnum(problems, o, "status", ["ok", "warning", "error"] as const),
    minDurationUs: checkInt(problems, o, "minDurationUs", 0, Number.MAX_SAFE_INTEGER, false),
    agent: checkString(problems, o, "agent", 256, false),
    app: checkString(problems, o, "app", 512, false),
    sort: checkEnum(problems, o, "sort", SORTS),
    cursor: checkString(problems, o, "cursor", 1000, false),
    limit: checkInt(problems, o, "limit", 1, MAX_PAGE, false) ?? 100,
  } as RequestQuery;
  checkRange(problems, q.from, q.to);
  if (o.columns !== undefined && o.columns !== null) {
    const cols = objectOf(problems, o.columns, "columns");
    q.columns = {};
    for (const [k, v] of Object.entries(cols)) {
      if (typeof v !== "string" && typeof v !== "number") {
        problems.push(`columns.${k}: must be a string or number: current value is ${JSON.stringify(v)}`);
      } else q.columns[k] = String(v);
    }
  }
  check(problems);
  return q;
}

/**
 * The condition of a full-text search for `q` (every word a prefix of a request's word), or undefined
 * when `q` has no word.
 */
export function searchCondition(q: string): RawBuilder<unknown> | undefined {
  const ts = searchQuery(q);
  return ts === undefined ? undefined : sql`search_doc @@ cast(${ts} as tsquery)`;
}

type Cursor = [number, number, string]; // [duration µs or 0, start µs, request id]

function encodeCursor(c: Cursor): string {
  return btoa(JSON.stringify(c)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function decodeCursor(text: string): Cursor {
  try {
    const c = JSON.parse(atob(text.replaceAll("-", "+").replaceAll("_", "/")));
    if (
      Array.isArray(c) && c.length === 3 && Number.isSafeInteger(c[0]) && Number.isSafeInteger(c[1]) &&
      typeof c[2] === "string"
    ) return c as Cursor;
  } catch { /* reported below */ }
  throw new ValidationError(
    `cursor: is not a cursor this server issued: current value is ${JSON.stringify(text)}`,
  );
}

/** Rows of application `app`: its name alone (`shop`) or with its id (`shop 1`). */
export function appCondition(app: string): RawBuilder<unknown> {
  return sql`exists (select 1 from jsonb_array_elements_text(applications) a
    where a = ${app} or a like ${app.replace(/[\\%_]/g, (c) => "\\" + c) + " %"})`;
}

/** The WHERE conditions of `q` but its search and paging; `undefined` when no row can match. */
export async function requestConditions(
  q: RequestQuery,
  agents: AgentNames,
): Promise<RawBuilder<unknown>[] | undefined> {
  const conds: RawBuilder<unknown>[] = [
    sql`log_pool_id = ${q.pool}`,
    sql`start_ts >= ${new Date(q.from)}`,
    sql`start_ts < ${new Date(q.to)}`,
  ];
  if (q.status === "warning") conds.push(sql`status in ('warning', 'incomplete')`);
  else if (q.status) conds.push(sql`status = ${q.status}`);
  if (q.minDurationUs !== undefined) conds.push(sql`duration_us >= ${q.minDurationUs}`);
  if (q.agent) {
    const id = await agents.idOf(q.agent);
    if (id === undefined) return undefined;
    conds.push(sql`agents @> ${JSON.stringify([id])}::jsonb`);
  }
  if (q.app) conds.push(appCondition(q.app));
  for (const [name, value] of Object.entries(q.columns ?? {})) {
    const typed = /^-?\d{1,15}$/.test(value) ? [value, Number(value)] : [value];
    conds.push(
      sql`(${
        sql.join(typed.map((v) => sql`columns @> ${JSON.stringify({ [name]: v })}::jsonb`), sql` or `)
      })`,
    );
  }
  return conds;
}

/** Rows (in the page's order) a search looks through first for a full page of matches. */
export const NEWEST_WINDOW = 20_000;

/**
 * A search with frequent words: the matches among the first {@linkcode NEWEST_WINDOW} rows in page
 * order; `undefined` when they do not fill the page (the words are rarer).
 */
async function newestMatches(
  db: Kysely<Database>,
  where: RawBuilder<unknown>,
  text: RawBuilder<unknown>,
  order: RawBuilder<unknown>,
  limit: number,
): Promise<DbRequestRow[] | undefined> {
  const r = await sql<DbRequestRow>`select * from (select ${ROW_COLUMNS}, start_ts, search_doc from request
      where ${where} order by ${order} limit ${NEWEST_WINDOW}) w
    where ${text} order by ${order} limit ${limit}`.execute(db);
  return r.rows.length >= limit ? r.rows : undefined;
}

/** Matches a search may collect through the full-text index before it pages in time order instead. */
export const RARE_MATCHES = 2000;

/**
 * A search whose words are rare is answered from the full-text index (bitmap scans only), sorting the
 * few matches; the planner cannot tell rare words from frequent ones and would otherwise walk the
 * time index through most of the range. Returns `undefined` when there are more than
 * {@linkcode RARE_MATCHES} matches: then walking the time index finds a page quickly.
 */
async function rareMatches(
  db: Kysely<Database>,
  where: RawBuilder<unknown>,
  order: RawBuilder<unknown>,
  limit: number,
): Promise<DbRequestRow[] | undefined> {
  return await db.transaction().execute(async (tx) => {
    await sql`set local enable_seqscan = off`.execute(tx);
    await sql`set local enable_indexscan = off`.execute(tx);
    const r = await sql<DbRequestRow & { total: number | string }>`
      with m as materialized (select ${ROW_COLUMNS}, start_ts from request
        where ${where} limit ${RARE_MATCHES + 1})
      select *, (select count(*) from m) as total from m
      order by ${order} limit ${limit}`.execute(tx);
    return r.rows.length > 0 && Number(r.rows[0]!.total) > RARE_MATCHES ? undefined : r.rows;
  });
}

/** One page of requests matching `raw`. */
export async function listRequests(
  db: Kysely<Database>,
  agents: AgentNames,
  raw: RequestQuery,
): Promise<RequestPage> {
  const q = parseRequestQuery(raw);
  const conds = await requestConditions(q, agents);
  if (!conds) return { rows: [] };
  const sort = q.sort ?? "-start";
  const desc = sort.startsWith("-");
  const byDuration = sort.endsWith("duration");
  if (q.cursor) {
    const [d, s, id] = decodeCursor(q.cursor);
    // sent as text: the driver would round a timestamptz parameter to milliseconds
    const ts = sql`${isoMicros(s)}::text::timestamptz`;
    const op = sql.raw(desc ? "<" : ">");
    conds.push(
      byDuration
        ? sql`(duration_us, start_ts, request_id) ${op} (${d}, ${ts}, ${id})`
        : sql`(start_ts, request_id) ${op} (${ts}, ${id})`,
    );
  }
  const dir = sql.raw(desc ? "desc" : "asc");
  const order = byDuration
    ? sql`duration_us ${dir}, start_ts ${dir}, request_id ${dir}`
    : sql`start_ts ${dir}, request_id ${dir}`;
  const text = q.q === undefined ? undefined : searchCondition(q.q);
  const n = q.limit + 1;
  let found: DbRequestRow[] | undefined;
  if (text) {
    found = await newestMatches(db, sql.join(conds, sql` and `), text, order, n) ??
      await rareMatches(db, sql.join([...conds, text], sql` and `), order, n);
    conds.push(text);
  }
  found ??= (await sql<DbRequestRow>`select ${ROW_COLUMNS} from request
      where ${sql.join(conds, sql` and `)} order by ${order} limit ${n}`.execute(db)).rows;
  const more = found.length > q.limit;
  const rows = await toRequestRows(found.slice(0, q.limit), agents);
  const page: RequestPage = { rows };
  if (more) {
    const last = rows[rows.length - 1];
    page.nextCursor = encodeCursor([byDuration ? last.durationUs : 0, last.startTs, last.requestId]);
  }
  return page;
}
