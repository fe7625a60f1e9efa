/**
 * Migrations: an ordered list in `migrations/mod.ts`, applied with Kysely's migrator.
 * @module
 */
import type { Kysely } from "kysely";
import { type Migration, type MigrationResultSet, Migrator, NO_MIGRATIONS } from "kysely/migration";
import { SondeError } from "../errors.ts";
import { migrations } from "./migrations/mod.ts";

function migrator(db: Kysely<unknown>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations as Record<string, Migration>) },
    migrationTableName: "sonde_migration",
    migrationLockTableName: "sonde_migration_lock",
  });
}

function check(result: MigrationResultSet, what: string): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "?";
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new SondeError("migration_failed", `Cannot ${what} migration "${failed}": ${reason}`, {
      cause: result.error,
    });
  }
  return (result.results ?? []).map((r) => r.migrationName);
}

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  return check(await migrator(db as Kysely<unknown>).migrateToLatest(), "apply");
}

/** Reverts the newest migration; returns the name reverted. */
export async function migrateDown<T>(db: Kysely<T>): Promise<string[]> {
  return check(await migrator(db as Kysely<unknown>).migrateDown(), "revert");
}

/** Reverts every migration. */
export async function migrateToZero<T>(db: Kysely<T>): Promise<string[]> {
  return check(await migrator(db as Kysely<unknown>).migrateTo(NO_MIGRATIONS), "revert");
}
