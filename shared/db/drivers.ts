/**
 * Kysely drivers for the two engines Sonde runs on: postgres.js (production, `DATABASE_URL`) and
 * PGlite (embedded). Both serialize access correctly (PGlite is one session, so connections are handed
 * out one at a time) and both understand one extra operation, a bulk COPY, issued through
 * {@linkcode copyQuery} on any Kysely instance or transaction.
 * @module
 */
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from "kysely";
import type postgres from "postgres";
import { SondeError } from "../errors.ts";
import type { PGlite, Transaction as PGliteTx } from "@electric-sql/pglite";

/** Rows handed to a COPY: one array of column values per row, or rows already in binary COPY format. */
export interface CopyPayload {
  table: string;
  columns: readonly string[];
  rows: Iterable<readonly unknown[]>;
  /** The whole binary COPY stream (header, tuples, trailer); `rows` is then empty. */
  binary?: { bytes: Uint8Array; count: number };
}

/** Anything that executes compiled queries: a Kysely instance or a transaction. */
export interface QueryRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

const copyPayloads = new WeakMap<CompiledQuery, CopyPayload>();

/** A quoted SQL identifier. */
function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Bulk-inserts rows with `COPY ... FROM STDIN` (PostgreSQL) or `COPY ... FROM '/dev/blob'` (PGlite).
 * Works on a Kysely instance and inside a transaction. Returns the number of rows written.
 */
export async function copyRows(
  db: QueryRunner,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly unknown[]>,
): Promise<number> {
  const query = CompiledQuery.raw(`COPY ${ident(table)} (${columns.map(ident).join(", ")}) FROM STDIN`);
  copyPayloads.set(query, { table, columns, rows });
  const result = await db.executeQuery(query);
  return Number(result.numAffectedRows ?? 0n);
}

/** A column type {@linkcode copyBinary} can encode. */
export type BinaryColumnType = "int4" | "int8" | "text";
/** A value for {@linkcode copyBinary}: a number for int4 / int8, UTF-8 pieces (concatenated) for text. */
export type BinaryValue = number | Uint8Array[] | null;

const BINARY_SIGNATURE = Uint8Array.of(0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00);

/**
 * Bulk-inserts rows with `COPY ... FROM STDIN WITH (FORMAT binary)`: text values go as the UTF-8 bytes at
 * hand (no string building, no escaping), e.g. JSON received from an agent. Text must be valid UTF-8
 * without NUL (PostgreSQL checks and refuses the COPY otherwise). Returns the number of rows written.
 */
export async function copyBinary(
  db: QueryRunner,
  table: string,
  columns: readonly { name: string; type: BinaryColumnType }[],
  rows: readonly BinaryValue[][],
): Promise<number> {
  // sizes first (and every value checked), then one buffer: one message and one write
  let size = BINARY_SIGNATURE.length + 8 + 2; // signature, flags, header extension length; trailer
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new RangeError(
        `Cannot COPY a row of ${row.length} values into ${columns.length} columns of ${table}`,
      );
    }
    size += 2;
    row.forEach((value, i) => {
      const { name, type } = columns[i]!;
      if (value === null) size += 4;
      else if (type === "text") size += 4 + (value as Uint8Array[]).reduce((n, p) => n + p.length, 0);
      else {
        const n = value as number;
        const fits = type === "int4"
          ? Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31
          : Number.isSafeInteger(n);
        if (!fits) throw new RangeError(`Cannot COPY ${n} into ${name}: not an ${type}`);
        size += type === "int4" ? 8 : 12;
      }
    });
  }
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set(BINARY_SIGNATURE); // flags and header extension length stay 0
  let at = BINARY_SIGNATURE.length + 8;
  for (const row of rows) {
    view.setInt16(at, row.length);
    at += 2;
    row.forEach((value, i) => {
      const type = columns[i]!.type;
      if (value === null) {
        view.setInt32(at, -1);
        at += 4;
      } else if (type === "text") {
        const lengthAt = at;
        at += 4;
        for (const piece of value as Uint8Array[]) {
          bytes.set(piece, at);
          at += piece.length;
        }
        view.setInt32(lengthAt, at - lengthAt - 4);
      } else if (type === "int4") {
        view.setInt32(at, 4);
        view.setInt32(at + 4, value as number);
        at += 8;
      } else {
        view.setInt32(at, 8);
        view.setBigInt64(at + 4, BigInt(value as number));
        at += 12;
      }
    });
  }
  view.setInt16(at, -1); // trailer
  const query = CompiledQuery.raw(
    `COPY ${ident(table)} (${columns.map((c) => ident(c.name)).join(", ")}) FROM STDIN WITH (FORMAT binary)`,
  );
  copyPayloads.set(query, {
    table,
    columns: columns.map((c) => c.name),
    rows: [],
    binary: { bytes, count: rows.length },
  });
  const result = await db.executeQuery(query);
  return Number(result.numAffectedRows ?? 0n);
}

function escapeCopy(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "number") {
    return Number.isFinite(value)
      ? String(value)
      : (Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
  }
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return escapeCopy(`{${value.map(arrayElement).join(",")}}`);
  if (value instanceof Uint8Array) {
    return "\\\\x" + Array.from(value, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  const s = typeof value === "string" ? value : JSON.stringify(value);
  return s.replace(
    /[\\\t\n\r]/g,
    (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"),
  );
}

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    return String(value);
  }
  const s = value instanceof Date ? value.toISOString() : String(value);
  return `"${s.replace(/["\\]/g, (c) => "\\" + c)}"`;
}

/** Encodes rows as PostgreSQL COPY text format, in chunks of about `chunkBytes`. */
export function* encodeCopyText(rows: Iterable<readonly unknown[]>, chunkBytes = 1 << 20): Generator<string> {
  let parts: string[] = [];
  let size = 0;
  for (const row of rows) {
    let line = "";
    for (let i = 0; i < row.length; i++) line += (i === 0 ? "" : "\t") + escapeCopy(row[i]);
    line += "\n";
    parts.push(line);
    size += line.length;
    if (size >= chunkBytes) {
      yield parts.join("");
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield parts.join("");
}

function countRows(
  rows: Iterable<readonly unknown[]>,
): { rows: Iterable<readonly unknown[]>; count: () => number } {
  let n = 0;
  return {
    rows: (function* () {
      for (const r of rows) {
        n++;
        yield r;
      }
    })(),
    count: () => n,
  };
}

// ---------------------------------------------------------------- postgres.js

type Sql = postgres.Sql;
type ReservedSql = postgres.ReservedSql;

class PostgresJsConnection implements DatabaseConnection {
  constructor(readonly sql: ReservedSql) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const copy = copyPayloads.get(query);
    if (copy) {
      const counted = countRows(copy.rows);
      // The server refusing the data (a bad value, a missing partition) reaches postgres.js after the
      // query already resolved to the stream: it then only calls the query's reject, and the stream
      // never finishes. Listen there, so a refused COPY fails with the server's message instead of hanging.
      const pending = this.sql.unsafe(query.sql);
      let onRefused: (e: Error) => void = () => {};
      const refused = new Promise<never>((_, reject) => (onRefused = reject));
      refused.catch(() => {});
      const hooked = pending as unknown as { reject: (e: unknown) => void };
      const reject = hooked.reject;
      hooked.reject = (e) => {
        onRefused(e instanceof Error ? e : new Error(String(e)));
        reject(e);
      };
      const writable = await pending.writable();
      const failed = Promise.race([refused, new Promise<never>((_, r) => writable.once("error", r))]);
      failed.catch(() => {});
      const done = new Promise<void>((resolve) => writable.once("finish", resolve));
      try {
        // encoding runs while the server parses what was sent; a value that cannot be encoded aborts it
        const chunks: Iterator<string | Uint8Array> = copy.binary
          ? [copy.binary.bytes][Symbol.iterator]()
          : encodeCopyText(counted.rows);
        for (;;) {
          let next: IteratorResult<string | Uint8Array>;
          try {
            next = chunks.next();
          } catch (e) {
            writable.destroy(e as Error);
            await Promise.race([failed, new Promise((resolve) => setTimeout(resolve, 5000))]).catch(() => {});
            throw e;
          }
          if (next.done) break;
          if (!writable.write(next.value)) {
            await Promise.race([new Promise((resolve) => writable.once("drain", resolve)), failed]);
          }
        }
        writable.end();
        await Promise.race([done, failed]);
      } catch (e) {
        throw new SondeError(
          "copy_refused",
          `Cannot COPY ${copy.binary?.count ?? counted.count()} rows into ${copy.table}: ${
            (e as Error).message
          }`,
          {
            cause: e,
          },
        );
      }
      return { rows: [], numAffectedRows: BigInt(copy.binary?.count ?? counted.count()) };
    }
    const result = await this.sql.unsafe(query.sql, query.parameters as postgres.ParameterOrJSON<never>[], {
      prepare: true,
    });
    const command = result.command;
    return {
      rows: Array.from(result) as R[],
      numAffectedRows:
        command === "INSERT" || command === "UPDATE" || command === "DELETE" || command === "MERGE"
          ? BigInt(result.count)
          : undefined,
    };
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize = 1000): AsyncIterableIterator<QueryResult<R>> {
    const cursor = this.sql.unsafe(query.sql, query.parameters as postgres.ParameterOrJSON<never>[]).cursor(
      chunkSize,
    );
    for await (const rows of cursor) yield { rows: rows as unknown as R[] };
  }
}

class PostgresJsDriver implements Driver {
  constructor(private readonly sql: Sql) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new PostgresJsConnection(await this.sql.reserve());
  }
  async beginTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw("begin"));
  }
  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw("commit"));
  }
  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw("rollback"));
  }
  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    (conn as PostgresJsConnection).sql.release();
  }
  async destroy(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}

/** A Kysely dialect over a postgres.js pool. */
export function postgresJsDialect(sql: Sql): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PostgresJsDriver(sql),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

// ---------------------------------------------------------------- PGlite

class PGliteConnection implements DatabaseConnection {
  tx: PGliteTx | undefined;
  endTx: ((commit: boolean) => void) | undefined;
  txDone: Promise<void> | undefined;
  constructor(readonly pg: PGlite) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const target = this.tx ?? this.pg;
    const copy = copyPayloads.get(query);
    if (copy) {
      const counted = countRows(copy.rows);
      const blob = new Blob(
        copy.binary ? [copy.binary.bytes as BlobPart] : [...encodeCopyText(counted.rows)],
      );
      await target.query(query.sql.replace(/ FROM STDIN/, " FROM '/dev/blob'"), [], { blob });
      return { rows: [], numAffectedRows: BigInt(copy.binary?.count ?? counted.count()) };
    }
    const result = await target.query<R>(query.sql, query.parameters as unknown[], { rowMode: "object" });
    return {
      rows: result.rows ?? [],
      numAffectedRows: result.affectedRows != null ? BigInt(result.affectedRows) : undefined,
    };
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(query);
  }
}

class PGliteDriver implements Driver {
  #queue: Promise<void> = Promise.resolve();
  #conn: PGliteConnection;
  constructor(private readonly pg: PGlite) {
    this.#conn = new PGliteConnection(pg);
  }
  async init(): Promise<void> {
    await this.pg.waitReady;
  }
  /** PGlite is a single session: connections are handed out one at a time. */
  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const previous = this.#queue;
    this.#queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    (this.#conn as PGliteConnection & { release?: () => void }).release = release;
    return this.#conn;
  }
  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    (conn as PGliteConnection & { release?: () => void }).release?.();
  }
  async beginTransaction(conn: DatabaseConnection): Promise<void> {
    const c = conn as PGliteConnection;
    let began!: () => void;
    const begun = new Promise<void>((resolve) => (began = resolve));
    c.txDone = this.pg.transaction(async (tx) => {
      c.tx = tx;
      began();
      const commit = await new Promise<boolean>((resolve) => (c.endTx = resolve));
      if (!commit) await tx.rollback();
    }).then(() => {}, (e) => {
      c.tx = undefined;
      throw e;
    });
    await Promise.race([begun, c.txDone]);
  }
  async #end(conn: DatabaseConnection, commit: boolean): Promise<void> {
    const c = conn as PGliteConnection;
    c.endTx?.(commit);
    try {
      await c.txDone;
    } finally {
      c.tx = undefined;
      c.endTx = undefined;
      c.txDone = undefined;
    }
  }
  commitTransaction(conn: DatabaseConnection): Promise<void> {
    return this.#end(conn, true);
  }
  rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    return this.#end(conn, false);
  }
  async destroy(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
  }
}

/** A Kysely dialect over one PGlite instance. */
export function pgliteDialect(pg: PGlite): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PGliteDriver(pg),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}
