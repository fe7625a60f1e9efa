import { type Kysely, sql } from "kysely";

// Request search without text parsing on insert: `search_doc` stops being generated from the row (a
// lower/regexp_replace/to_tsvector per row was the largest part of an insert) and the Server writes
// the words itself as a tsvector literal (shared/telemetry/search.ts); rows stored before keep theirs.
// `request_id_idx (log_pool_id, request_id)` duplicated `request_request_id (request_id)`: every
// partition holds one log pool. Going down rebuilds the column from `search_text`, which the Server no
// longer fills: rows written meanwhile are then found by name, columns, applications and tiers only.

// deno-lint-ignore no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table request alter column search_doc drop expression`.execute(db);
  await sql`drop index if exists request_id_idx`.execute(db);
}

// deno-lint-ignore no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index request_id_idx on request (log_pool_id, request_id)`.execute(db);
  await sql`alter table request drop column search_doc`.execute(db);
  await sql`alter table request add column search_doc tsvector generated always as (
    to_tsvector('simple', regexp_replace(
      lower(name || ' ' || jsonb_path_query_array(columns, '$.*')::text || ' ' || applications::text || ' ' || tiers::text || ' ' ||
        coalesce(search_text, '')),
      '[^[:alnum:]]+', ' ', 'g'))
  ) stored`.execute(db);
  await sql`create index request_search_idx on request using gin (search_doc)`.execute(db);
}
