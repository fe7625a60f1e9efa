/**
 * Request detail: the row, then the request's events with one positioned read of its day file (the
 * Server's segment reader), and the span tree.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "@sonde/shared/db";
import { NotFoundError, ValidationError } from "@sonde/shared/errors";
import type { RequestDetail, RequestEvent } from "@sonde/shared/api";
import { readRequest } from "@sonde/shared/telemetry/segment_reader";
import type { StoredRequest } from "@sonde/shared/telemetry/segment_format";
import { type AgentNames, type DbRequestRow, ROW_COLUMNS, toRequestRows } from "./request_row.ts";
import { buildSpanTree } from "./span_tree.ts";

const REQUEST_ID = /^[0-9a-f]{32}$/;

/** Reads the stored events of a request (the Server's `readRequest`); replaceable in tests. */
export type RecordReader = (
  dataDir: string,
  file: string,
  offset: number,
  length: number,
) => Promise<StoredRequest>;

/** Converts stored events to API events, naming agents. */
export async function toRequestEvents(stored: StoredRequest, agents: AgentNames): Promise<RequestEvent[]> {
  const names = await agents.names(stored.agents);
  return stored.events.map((e) => {
    const { agentId, ...event } = e;
    return { ...event, agent: names.get(agentId) ?? `agent ${agentId}` };
  });
}

/** Validates a pool id and a request id. */
export function checkRequestKey(pool: unknown, requestId: unknown): void {
  const problems: string[] = [];
  if (typeof pool !== "number" || !Number.isSafeInteger(pool) || pool <= 0) {
    problems.push(`pool: must be a positive integer: current value is ${JSON.stringify(pool)}`);
  }
  if (typeof requestId !== "string" || !REQUEST_ID.test(requestId)) {
    problems.push(
      `requestId: must be 32 lowercase hex digits: current value is ${JSON.stringify(requestId)}`,
    );
  }
  if (problems.length > 0) throw new ValidationError(problems);
}

/** Loads request `requestId` of `pool` with its events and span tree. */
export async function requestDetail(
  db: Kysely<Database>,
  agents: AgentNames,
  dataDir: string,
  pool: number,
  requestId: string,
  read: RecordReader = readRequest,
): Promise<RequestDetail> {
  checkRequestKey(pool, requestId);
  const found = await sql<DbRequestRow & { file: string; file_offset: number; file_length: number }>`
    select ${ROW_COLUMNS}, file, file_offset, file_length from request
    where log_pool_id = ${pool} and request_id = ${requestId} limit 1`.execute(db);
  const r = found.rows[0];
  if (!r) throw new NotFoundError(`Cannot find request ${requestId} in log pool ${pool}`);
  const [row] = await toRequestRows([r], agents);
  const stored = await read(dataDir, r.file, Number(r.file_offset), Number(r.file_length));
  if (stored.requestId !== requestId) {
    throw new NotFoundError(
      `Cannot load request ${requestId}: ${r.file} at offset ${r.file_offset} holds ${stored.requestId}`,
    );
  }
  const events = await toRequestEvents(stored, agents);
  return { row: row!, events, tree: buildSpanTree(events) };
}
