/**
 * File helpers for trust material shared by several processes on one host: an exclusive lock file
 * (created with `createNew`, retried until a timeout, broken when stale) around read-modify-write
 * cycles; the files themselves are replaced with `writeFileAtomicSync` (shared/files.ts), so a reader
 * never sees a half-written file.
 *
 * @module
 */
import { SondeError } from "../errors.ts";

/** Options of {@linkcode withFileLock}. */
export interface LockOptions {
  /** Give up after this long. Default 15 s. */
  timeoutMs?: number;
  /** A lock older than this is considered left behind by a dead process and broken. Default 20 s. */
  staleMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function token(): string {
  return `${Deno.pid}.${crypto.randomUUID()}`;
}

async function breakIfStale(lock: string, staleMs: number): Promise<void> {
  let seen: string;
  try {
    const info = await Deno.stat(lock);
    if (Date.now() - (info.mtime?.getTime() ?? Date.now()) < staleMs) return;
    seen = await Deno.readTextFile(lock);
  } catch {
    return; // gone meanwhile: retry creating it
  }
  const aside = `${lock}.stale.${token()}`;
  try {
    await Deno.rename(lock, aside); // only one breaker wins the rename
  } catch {
    return;
  }
  const taken = await Deno.readTextFile(aside).catch(() => "");
  if (taken !== seen) {
    // Another process replaced the stale lock between our read and rename: put its lock back.
    await Deno.link(aside, lock).catch(() => {});
  }
  await Deno.remove(aside).catch(() => {});
}

/**
 * Runs `fn` while holding the lock file `<target>.lock`. Re-read whatever `fn` changes inside `fn`:
 * the lock serializes read-modify-write cycles of cooperating processes.
 */
export async function withFileLock<T>(
  target: string,
  fn: () => Promise<T>,
  opts: LockOptions = {},
): Promise<T> {
  const lock = `${target}.lock`;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const staleMs = opts.staleMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  const mine = token();
  for (let attempt = 0;; attempt++) {
    try {
      await Deno.writeTextFile(lock, mine, { createNew: true });
      break;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    if (Date.now() > deadline) {
      throw new SondeError(
        "lock_timeout",
        `Cannot lock "${target}": "${lock}" is held by another process for more than ${timeoutMs} ms`,
        { retryable: true },
      );
    }
    await breakIfStale(lock, staleMs);
    await sleep(Math.min(50, 2 + attempt * 3) + Math.random() * 10);
  }
  // Keep the lock fresh while fn runs (key generation can be slow on a busy host) so nobody breaks it.
  const heartbeat = setInterval(() => {
    const now = new Date();
    Deno.utime(lock, now, now).catch(() => {});
  }, Math.max(100, staleMs / 4));
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    const held = await Deno.readTextFile(lock).catch(() => "");
    if (held === mine) await Deno.remove(lock).catch(() => {});
  }
}

/** Reads a text file, or returns `undefined` when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}
