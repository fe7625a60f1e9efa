/**
 * Durable file writes shared by every process: a file is replaced through a temp file in the same
 * folder and a rename, with the data (and the folder entry) synced to disk first, so a crash or a
 * power loss leaves either the old or the new content, never a torn one.
 *
 * @example
 * ```ts
 * import { writeFileAtomicSync } from "@sonde/shared/files";
 * writeFileAtomicSync("./data/agent/config.json", JSON.stringify({ version: 3 }));
 * ```
 * @module
 */

/** Options of {@linkcode writeFileAtomicSync}. */
export interface AtomicWriteOptions {
  /** fsync the data before the rename and the folder after it (default true). */
  sync?: boolean;
  /** File mode of a new file (default 0o644). */
  mode?: number;
}

/** Replaces `path` with `data` atomically (temp file + rename), durably unless `sync` is false. */
export function writeFileAtomicSync(
  path: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): void {
  const sync = options.sync ?? true;
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  // unique per writer: several processes may replace the same file (trust files) at the same moment
  const tmp = `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    const file = Deno.openSync(tmp, {
      write: true,
      create: true,
      truncate: true,
      mode: options.mode ?? 0o644,
    });
    try {
      let done = 0;
      while (done < bytes.length) done += file.writeSync(bytes.subarray(done));
      if (sync) file.syncDataSync();
    } finally {
      file.close();
    }
    Deno.renameSync(tmp, path);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch {
      // the temp file was never created or is already renamed
    }
    throw e;
  }
  if (sync) syncDir(path.slice(0, path.lastIndexOf("/")) || ".");
}

/** Makes a folder's entries (a created or renamed file) durable. */
export function syncDir(dir: string): void {
  const handle = Deno.openSync(dir, { read: true });
  try {
    handle.syncSync();
  } finally {
    handle.close();
  }
}
