import { type Kysely, sql } from "kysely";

// Pending telemetry rows compressed with lz4 where the server has it (PostgreSQL 14+ built with lz4, as
// Debian's is): a pulled page's JSON shrinks about tenfold, so its TOAST chunks, their WAL and their
// deletion cost a tenth, for a few milliseconds of compression per page (0007 turned pglz off because it
// costs far more). PGlite and servers without lz4 keep the uncompressed storage of 0007.

// deno-lint-ignore no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`do $$ begin
    if exists (select 1 from pg_settings
        where name = 'default_toast_compression' and 'lz4' = any(enumvals)) then
      alter table telemetry_pending alter column events set storage extended;
      alter table telemetry_pending alter column events set compression lz4;
    end if;
  end $$`).execute(db);
}

// deno-lint-ignore no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table telemetry_pending alter column events set compression default`.execute(db);
  await sql`alter table telemetry_pending alter column events set storage external`.execute(db);
}
