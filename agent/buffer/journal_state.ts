/**
 * The journal's small persistent state (`state.json`): the acknowledged seq, the next seq to assign,
 * the first seq still retained and the drop counters. Written atomically (temp file, fsync, rename)
 * so a crash leaves either the old or the new state, never a torn one.
 * @module
 */

/** Persistent journal counters. */
export interface JournalState {
  /** Next sequence number to assign; never decreases, so sequence numbers never repeat. */
  nextSeq: number;
  /** Highest acknowledged sequence number (0 = none). */
  ackedSeq: number;
  /** Records below this seq were freed or dropped; segments entirely below it are deleted on open. */
  firstSeq: number;
  /** Unacknowledged records dropped by the byte or age bound, since the journal was created. */
  droppedRecords: number;
  droppedBytes: number;
}

/** State of a new journal. */
export function initialState(): JournalState {
  return { nextSeq: 1, ackedSeq: 0, firstSeq: 1, droppedRecords: 0, droppedBytes: 0 };
}

const FILE = "state.json";

/** Loads `<dir>/state.json`; a missing file gives the initial state. @throws {SyntaxError} on a bad file. */
export function loadState(dir: string): JournalState {
  let text: string;
  try {
    text = Deno.readTextFileSync(`${dir}/${FILE}`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return initialState();
    throw e;
  }
  const parsed: unknown = JSON.parse(text);
  const state = initialState();
  if (typeof parsed !== "object" || parsed === null) {
    throw new SyntaxError(`Cannot read journal state "${dir}/${FILE}": not a JSON object`);
  }
  for (const key of Object.keys(state) as (keyof JournalState)[]) {
    const v = (parsed as Record<string, unknown>)[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
      throw new SyntaxError(
        `Cannot read journal state "${dir}/${FILE}": "${key}" must be a non-negative integer: current value is ${
          JSON.stringify(v)
        }`,
      );
    }
    state[key] = v;
  }
  return state;
}

/** Writes `<dir>/state.json` atomically. */
export function saveState(dir: string, state: JournalState, sync: boolean): void {
  writeFileAtomic(`${dir}/${FILE}`, new TextEncoder().encode(JSON.stringify(state) + "\n"), sync);
}

/** Writes a file through a temp file and a rename; with `sync`, fsyncs the data before the rename. */
export function writeFileAtomic(path: string, data: Uint8Array, sync = true): void {
  const tmp = `${path}.tmp`;
  const file = Deno.openSync(tmp, { write: true, create: true, truncate: true });
  try {
    let done = 0;
    while (done < data.length) done += file.writeSync(data.subarray(done));
    if (sync) file.syncDataSync();
  } finally {
    file.close();
  }
  Deno.renameSync(tmp, path);
  if (sync) syncDir(path.slice(0, path.lastIndexOf("/")) || ".");
}

/** Makes the directory's entries (a created or renamed file) durable. */
export function syncDir(dir: string): void {
  const handle = Deno.openSync(dir, { read: true });
  try {
    handle.syncSync();
  } finally {
    handle.close();
  }
}
