import { assertEquals } from "./helpers/assert.ts";
import { storeTest } from "./helpers/store.ts";
import { type Database, migrateDown, migrateToLatest } from "../shared/db/mod.ts";
import { type Kysely, sql } from "kysely";

const TABLES = [
  "maintenance_window",
  "notification_channel",
  "notification_memo",
  "notification_outbox",
  "notification_rule",
];

async function ecommTables(db: Kysely<Database>): Promise<string[]> {
  const r = await sql<{ t: string }>`select table_name as t from information_schema.tables
    where table_schema = 'public' and (table_name like 'notification%' or table_name = 'maintenance_window')
    order by 1`.execute(db);
  return r.rows.map((x) => x.t);
}

storeTest("migration 0006_ecomm goes down and up again", async (store) => {
  assertEquals(await ecommTables(store.db), TABLES);
  // later migrations (if any) are reverted first
  for (let i = 0; i < 20 && !(await migrateDown(store.db)).includes("0006_ecomm"); i++);
  assertEquals(await ecommTables(store.db), []);
  await migrateToLatest(store.db);
  assertEquals(await ecommTables(store.db), TABLES);
}, ["postgres"]);
