import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable("setting")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "jsonb", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create table counter_sample (
    agent_id int4 not null,
    counter_id int4 not null,
    ts timestamptz not null,
    value float8 not null
  ) partition by range (ts)`.execute(db);
  await sql`create index counter_sample_series on counter_sample using brin (agent_id, counter_id, ts)`
    .execute(db);
}

// deno-lint-ignore no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("counter_sample").execute();
  await db.schema.dropTable("setting").execute();
}
