import { type Kysely, sql } from "kysely";

// The Worker's additions: research support on `request` (an insertion sequence for the live poller,
// an optional `search_text` the assembler may fill with event texts, and a generated full-text
// document over name, columns, applications and that text, with the indexes research needs), and
// recording sessions with the requests they captured (a session keeps its own copy of the rows and
// events, so it outlives the retention of day files and exports on its own).

// deno-lint-ignore no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create sequence request_ins_seq`.execute(db);
  await sql`alter table request add column ins_seq int8 not null default nextval('request_ins_seq')`
    .execute(db);
  await sql`alter table request add column search_text text`.execute(db);
  await sql`alter table request add column search_doc tsvector generated always as (
    to_tsvector('simple', regexp_replace(
      lower(name || ' ' || jsonb_path_query_array(columns, '$.*')::text || ' ' || applications::text || ' ' || tiers::text || ' ' ||
        coalesce(search_text, '')),
      '[^[:alnum:]]+', ' ', 'g'))
  ) stored`.execute(db);
  await sql`create index request_ins_seq_idx on request (ins_seq)`.execute(db);
  await sql`create index request_search_idx on request using gin (search_doc)`.execute(db);
  await sql`create index request_duration_idx on request (log_pool_id, duration_us, start_ts, request_id)`
    .execute(db);
  await sql`create index request_stats_idx on request (log_pool_id, start_ts) include (duration_us, status)`
    .execute(db);
  await sql`create index request_id_idx on request (log_pool_id, request_id)`.execute(db);
  await sql`create index request_status_idx on request (log_pool_id, status, start_ts)`.execute(db);
  await sql`create index request_columns_idx on request using gin (columns jsonb_path_ops)`.execute(db);
  // Statistics rollup: per log pool, 10-minute slot and 2 % duration bin, the count and the errors,
  // kept by a statement trigger over the inserted rows (one aggregated upsert per insert statement).
  await sql`create table request_stat_10m (
    log_pool_id int4 not null,
    slot timestamptz not null,
    bin int2 not null,
    n int4 not null,
    errors int4 not null,
    primary key (log_pool_id, slot, bin)
  )`.execute(db);
  await sql.raw(`create function request_stat_rollup() returns trigger language plpgsql as $f$
    begin
      insert into request_stat_10m (log_pool_id, slot, bin, n, errors)
      select log_pool_id, date_bin('10 minutes', start_ts, timestamptz '2000-01-01 00:00:00+00'),
        floor(ln(greatest(duration_us, 1)) * 50)::int2, count(*), count(*) filter (where status = 'error')
      from new_rows group by 1, 2, 3 order by 1, 2, 3
      on conflict (log_pool_id, slot, bin) do update
        set n = request_stat_10m.n + excluded.n, errors = request_stat_10m.errors + excluded.errors;
      return null;
    end $f$`).execute(db);
  await sql`create trigger request_stat_rollup after insert on request referencing new table as new_rows
    for each statement execute function request_stat_rollup()`.execute(db);
  await sql`create table recording_session (
    id text primary key,
    app_name text,
    filter text,
    level int4 not null,
    description text not null default '',
    started_at timestamptz not null,
    until_at timestamptz not null,
    stopped_at timestamptz,
    request_count int4 not null default 0,
    truncated int4 not null default 0,
    imported boolean not null default false
  )`.execute(db);
  await sql`create table session_request (
    session_id text not null references recording_session (id) on delete cascade,
    seq int4 not null,
    request_id text not null,
    row_json jsonb not null,
    events_json text not null,
    primary key (session_id, seq)
  )`.execute(db);
}

// deno-lint-ignore no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists session_request`.execute(db);
  await sql`drop table if exists recording_session`.execute(db);
  await sql`drop trigger if exists request_stat_rollup on request`.execute(db);
  await sql`drop function if exists request_stat_rollup()`.execute(db);
  await sql`drop table if exists request_stat_10m`.execute(db);
  for (
    const i of [
      "request_id_idx",
      "request_columns_idx",
      "request_status_idx",
      "request_duration_idx",
      "request_search_idx",
    ]
  ) {
    await sql`drop index if exists ${sql.id(i)}`.execute(db);
  }
  await sql`drop index if exists request_ins_seq_idx`.execute(db);
  await sql`alter table request drop column if exists search_doc`.execute(db);
  await sql`alter table request drop column if exists search_text`.execute(db);
  await sql`alter table request drop column if exists ins_seq`.execute(db);
  await sql`drop sequence if exists request_ins_seq`.execute(db);
}
