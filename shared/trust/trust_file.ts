/**
 * `trusted_certificates.cfg`: one trusted SHA-256 fingerprint at the beginning of a line, `#`
 * comments and blank lines allowed. Read leniently (case, missing colons, an `sha256 Fingerprint=`
 * prefix), written canonically and atomically under a lock file, so several services on one host can
 * update the same file at the same moment without losing each other's lines.
 *
 * @example
 * ```ts
 * import { addTrustedFingerprint, readTrustFile } from "@sonde/shared/trust";
 * await addTrustedFingerprint("/etc/sonde/server/trusted_certificates.cfg", fp, "worker on db-01");
 * const trusted = await readTrustFile("/etc/sonde/server/trusted_certificates.cfg"); // ["AB:CD:…"]
 * ```
 * @module
 */
import { leadingFingerprint, parseFingerprint } from "./fingerprint.ts";
import { readTextIfExists, withFileLock } from "./files.ts";
import { writeFileAtomicSync } from "../files.ts";

/** The file name of a service's trust file. */
export const TRUST_FILE_NAME = "trusted_certificates.cfg";

/** One line of a trust file in canonical form; `fingerprint` is set on entry lines. */
export interface TrustLine {
  /** The canonical text of the line. */
  text: string;
  /** The trusted fingerprint, for entry lines. */
  fingerprint?: string;
}

/**
 * Parses a trust file. Entry lines are canonicalized (`AB:CD:… rest`); a line that is neither blank,
 * a comment nor a fingerprint is kept as a comment (`# not a fingerprint: …`) so the file stays well
 * formed; repeated fingerprints are kept once.
 */
export function parseTrustFile(text: string): TrustLine[] {
  const lines: TrustLine[] = [];
  const seen = new Set<string>();
  const raw = text.split(/\r?\n/);
  if (raw.length > 0 && raw[raw.length - 1] === "") raw.pop();
  for (const line of raw) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) {
      lines.push({ text: trimmed });
      continue;
    }
    const entry = leadingFingerprint(trimmed);
    if (!entry) {
      lines.push({ text: `# not a fingerprint: ${trimmed}` });
      continue;
    }
    if (seen.has(entry.fingerprint)) continue;
    seen.add(entry.fingerprint);
    const text = entry.rest === "" ? entry.fingerprint : `${entry.fingerprint} ${entry.rest}`;
    lines.push({ text, fingerprint: entry.fingerprint });
  }
  return lines;
}

/** Writes lines back as file text (one per line, trailing newline). */
export function formatTrustFile(lines: readonly TrustLine[]): string {
  return lines.length === 0 ? "" : lines.map((l) => l.text).join("\n") + "\n";
}

/** The fingerprints listed in trust-file text, canonical, in file order. */
export function trustedFingerprints(text: string): string[] {
  return parseTrustFile(text).flatMap((l) => (l.fingerprint ? [l.fingerprint] : []));
}

/** Reads the fingerprints of a trust file; a missing file lists none. */
export async function readTrustFile(path: string): Promise<string[]> {
  return trustedFingerprints((await readTextIfExists(path)) ?? "");
}

/**
 * Read-modify-write of a trust file under its lock: `edit` gets the current lines (re-read under the
 * lock) and returns the new lines, or `undefined` to leave the file untouched. Returns whether the
 * file was written.
 */
export function updateTrustFile(
  path: string,
  edit: (lines: TrustLine[]) => TrustLine[] | undefined,
): Promise<boolean> {
  return withFileLock(path, async () => {
    const before = await readTextIfExists(path);
    const next = edit(parseTrustFile(before ?? ""));
    if (next === undefined) return false;
    const text = formatTrustFile(next);
    if (text === before) return false;
    writeFileAtomicSync(path, text);
    return true;
  });
}

/**
 * Adds `fingerprint` (any accepted spelling) to a trust file, keeping every existing line. With
 * `comment`, a `# comment` line goes right above the entry. Returns `false` when already trusted.
 */
export function addTrustedFingerprint(path: string, fingerprint: string, comment?: string): Promise<boolean> {
  const fp = parseFingerprint(fingerprint);
  return updateTrustFile(path, (lines) => {
    if (lines.some((l) => l.fingerprint === fp)) return undefined;
    const added: TrustLine[] = comment ? [{ text: `# ${oneLine(comment)}` }] : [];
    return [...lines, ...added, { text: fp, fingerprint: fp }];
  });
}

/**
 * Removes the given fingerprints from a trust file (other lines stay). Returns whether any was
 * listed.
 */
export function removeTrustedFingerprints(path: string, fingerprints: readonly string[]): Promise<boolean> {
  const gone = new Set(fingerprints.map(parseFingerprint));
  return updateTrustFile(path, (lines) => {
    const kept = lines.filter((l) => !(l.fingerprint && gone.has(l.fingerprint)));
    return kept.length === lines.length ? undefined : kept;
  });
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ").trim();
}
