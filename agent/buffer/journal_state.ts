/**
 * The journal's small persistent state (`state.json`): the acknowledged seq, the next seq to assign,
 * the first seq still retained and the drop counters. Written atomically (temp file, fsync, rename)
 * so a crash leaves either the old or the new state, never a torn one.
 * @module
 */
import { writeFileAtomicSync } from "@sonde/shared/files";

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
  writeFileAtomicSync(`${dir}/${FILE}`, JSON.stringify(state) + "\n", { sync });
}
