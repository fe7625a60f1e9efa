/**
 * Opens Sonde's store: PostgreSQL through postgres.js when a URL is given, PGlite under `<data>/db`
 * otherwise. Migrations are applied on open.
 *
 * @example
 * ```ts
 * import { openStore } from "@sonde/shared/db";
 * const store = await openStore({ dataDir: "./data" });
 * await store.db.selectFrom("setting").selectAll().execute();
 * await store.close();
 * ```
 * @module
 */
import { Kysely, sql } from "kysely";
import postgres from "postgres";
import { SondeError } from "../errors.ts";
import type { Database } from "./schema.ts";
import { pgliteDialect, postgresJsDialect } from "./drivers.ts";
import { migrateToLatest } from "./migrate.ts";

/** Which engine a store runs on. */
export type Engine = "postgres" | "pglite";

/** An open store. */
export interface Store {
  readonly engine: Engine;
  readonly db: Kysely<Database>;
  /** Closes every connection. */
  close(): Promise<void>;
}

/** Options of {@linkcode openStore}. */
export interface StoreOptions {
  /** `postgres://...`; when absent, the embedded PGlite engine is used. */
  databaseUrl?: string;
  /** Data folder; PGlite keeps its files in `<dataDir>/db`. Required without `databaseUrl`. */
  dataDir?: string;
  /** Apply migrations on open (default true). */
  migrate?: boolean;
  /** Largest number of PostgreSQL connections (default 10). */
  maxConnections?: number;
}

function jsonText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

/**
 * Opens the store and applies migrations.
 * @throws {SondeError} `db_unreachable` (retryable) when PostgreSQL cannot be reached.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  let db: Kysely<Database>;
  let engine: Engine;
  if (options.databaseUrl) {
    engine = "postgres";
    const client = postgres(options.databaseUrl, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      connect_timeout: 10,
      types: {
        bigint: {
          to: 20,
          from: [20],
          serialize: (v: number | bigint) => String(v),
          parse: (v: string) => Number(v),
        },
        // JSON values are written as JSON text (as on PGlite) and read back parsed
        json: { to: 114, from: [114], serialize: jsonText, parse: JSON.parse },
        jsonb: { to: 3802, from: [3802], serialize: jsonText, parse: JSON.parse },
      },
    });
    db = new Kysely<Database>({ dialect: postgresJsDialect(client) });
    try {
      await sql`select 1`.execute(db);
    } catch (e) {
      await db.destroy().catch(() => {});
      throw new SondeError(
        "db_unreachable",
        `Cannot connect to PostgreSQL at ${redact(options.databaseUrl)}: ${
          e instanceof Error ? e.message : e
        }`,
        { retryable: true, cause: e },
      );
    }
  } else {
    if (!options.dataDir) throw new TypeError("openStore needs dataDir when no databaseUrl is given");
    engine = "pglite";
    const { PGlite, types } = await import("@electric-sql/pglite");
    const dir = `${options.dataDir}/db`;
    await Deno.mkdir(dir, { recursive: true });
    const pg = await PGlite.create(dir, { parsers: { [types.INT8]: (v: string) => Number(v) } });
    db = new Kysely<Database>({ dialect: pgliteDialect(pg) });
  }
  if (options.migrate !== false) {
    try {
      await migrateToLatest(db);
    } catch (e) {
      await db.destroy().catch(() => {});
      throw e;
    }
  }
  return { engine, db, close: () => db.destroy() };
}
