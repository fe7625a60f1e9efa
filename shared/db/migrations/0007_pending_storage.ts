import { type Kysely, sql } from "kysely";

// Pending telemetry rows are written once and deleted soon after: storing their text uncompressed
// (out of line, no pglz) saves the compression CPU on every pulled page.

// deno-lint-ignore no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table telemetry_pending alter column events set storage external`.execute(db);
}

// deno-lint-ignore no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table telemetry_pending alter column events set storage extended`.execute(db);
}
