/**
 * The live view's source across processes: request rows in insertion order (`ins_seq`). Each poll
 * re-reads a short window behind the newest sequence seen, because a row with a lower sequence may
 * commit after a higher one; the hub drops the repeats. Rows present before the first poll are never
 * delivered.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "@sonde/shared/db";
import { type AgentNames, type DbRequestRow, ROW_COLUMNS, toRequestRows } from "../query/request_row.ts";
import type { LiveSource, PooledRow } from "./live_hub.ts";

/** Rows read per poll at most. */
export const POLL_BATCH = 1000;
/** How far behind the newest sequence each poll looks again. */
export const LOOKBACK = 200;

/** Polls the `request` table for new rows. */
export class RequestTableSource implements LiveSource {
  #last: number | undefined;
  #floor = 0;
  constructor(private readonly db: Kysely<Database>, private readonly agents: AgentNames) {}

  async poll(): Promise<PooledRow[]> {
    if (this.#last === undefined) {
      const r = await sql<{ m: number | null }>`select max(ins_seq) as m from request`.execute(this.db);
      this.#last = this.#floor = Number(r.rows[0]?.m ?? 0);
      return [];
    }
    const from = Math.max(this.#floor, this.#last - LOOKBACK);
    const r = await sql<DbRequestRow & { ins_seq: number }>`select ${ROW_COLUMNS}, ins_seq from request
      where ins_seq > ${from} order by ins_seq limit ${POLL_BATCH}`.execute(this.db);
    if (r.rows.length === 0) return [];
    this.#last = Math.max(this.#last, ...r.rows.map((x) => Number(x.ins_seq)));
    const rows = await toRequestRows(r.rows, this.agents);
    return rows.map((row, i) => ({ pool: r.rows[i]!.log_pool_id, row }));
  }
}
