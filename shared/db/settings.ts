/**
 * Server settings kept in the `setting` table (JSON values by key).
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

/** Reads a setting, or `undefined`. */
export async function getSetting<T>(db: Kysely<Database>, key: string): Promise<T | undefined> {
  const row = await db.selectFrom("setting").select("value").where("key", "=", key).executeTakeFirst();
  return row ? (row.value as T) : undefined;
}

/** Writes a setting (insert or replace). */
export async function putSetting(db: Kysely<Database>, key: string, value: unknown): Promise<void> {
  const json = JSON.stringify(value);
  await db.insertInto("setting").values({ key, value: json })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: json, updated_at: new Date() }))
    .execute();
}

/** The installation's identity: created at the first start, read on every later one. */
export async function installation(db: Kysely<Database>): Promise<{ id: string; createdAt: string }> {
  const found = await getSetting<{ id: string; createdAt: string }>(db, "installation");
  if (found) return found;
  const fresh = { id: crypto.randomUUID(), createdAt: new Date().toISOString() };
  await db.insertInto("setting").values({ key: "installation", value: JSON.stringify(fresh) })
    .onConflict((oc) => oc.column("key").doNothing()).execute();
  return (await getSetting<{ id: string; createdAt: string }>(db, "installation"))!;
}
