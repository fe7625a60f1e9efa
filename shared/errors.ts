/**
 * Domain errors of Sonde. Shape problems throw built-ins (`TypeError`, `RangeError`, `SyntaxError`);
 * everything a caller may want to branch on is a {@linkcode SondeError} with a stable `code` and a
 * `retryable` flag.
 *
 * @example
 * ```ts
 * import { SondeError } from "@sonde/shared/errors";
 * throw new SondeError("agent_unreachable", 'Cannot pull agent "db-01": connection refused', { retryable: true });
 * ```
 * @module
 */

/** Options of a {@linkcode SondeError}. */
export interface SondeErrorOptions {
  /** Whether repeating the same operation later may succeed. Default `false`. */
  retryable?: boolean;
  /** HTTP status to answer with when the error reaches an API boundary. Default 500. */
  status?: number;
  /** The underlying error. */
  cause?: unknown;
}

/** Base class of every domain error: a stable machine-readable `code`, a `retryable` flag and a message. */
export class SondeError extends Error {
  /** Stable identifier, e.g. `config_invalid`, `untrusted_peer`. */
  readonly code: string;
  /** Whether repeating the operation later may succeed. */
  readonly retryable: boolean;
  /** HTTP status for API boundaries. */
  readonly status: number;

  constructor(code: string, message: string, options: SondeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SondeError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.status = options.status ?? 500;
  }
}

/** The configuration is invalid; `problems` lists every problem found, one sentence each. */
export class ConfigError extends SondeError {
  /** Every problem found, one per entry. */
  readonly problems: string[];
  constructor(problems: string[]) {
    super("config_invalid", `Invalid configuration:\n  - ${problems.join("\n  - ")}`, { status: 400 });
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** A request or record failed validation; answered with 400 at API boundaries. */
export class ValidationError extends SondeError {
  /** Every problem found, one per entry (`"name": must not be empty`). */
  readonly problems: string[];
  constructor(problems: string[] | string) {
    const list = Array.isArray(problems) ? problems : [problems];
    super("invalid_input", list.join("; "), { status: 400 });
    this.name = "ValidationError";
    this.problems = list;
  }
}

/** Something named does not exist; answered with 404. */
export class NotFoundError extends SondeError {
  constructor(message: string) {
    super("not_found", message, { status: 404 });
    this.name = "NotFoundError";
  }
}

/** Returns a short message for any thrown value, for logs and API bodies. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
