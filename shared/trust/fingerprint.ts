/**
 * SHA-256 certificate fingerprints in the form `openssl x509 -fingerprint -sha256 -noout` prints
 * them (`AB:CD:…`, uppercase, colon-separated), and a lenient reader for what people paste.
 *
 * @example
 * ```ts
 * import { normalizeFingerprint } from "@sonde/shared/trust";
 * normalizeFingerprint("sha256 Fingerprint=ab:cd:..."); // "AB:CD:..." (or undefined when not 32 bytes)
 * ```
 * @module
 */
import { createHash } from "node:crypto";

const PREFIX = /^\s*(?:sha-?256\s+)?fingerprint\s*=\s*/i;

/** Formats 32 bytes as `AB:CD:…`. */
export function formatFingerprint(digest: Uint8Array): string {
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":");
}

/** The SHA-256 fingerprint of a certificate's DER bytes, in openssl's format. */
export function fingerprintOfDer(der: Uint8Array): string {
  return formatFingerprint(new Uint8Array(createHash("sha256").update(der).digest()));
}

/**
 * Reads a fingerprint leniently: any case, with or without colons, with an optional
 * `sha256 Fingerprint=` / `SHA256 Fingerprint=` prefix. Returns the canonical form, or `undefined`
 * when the text is not 32 bytes of hex.
 */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text.replace(PREFIX, "").trim().replace(/:/g, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  return hex.toUpperCase().replace(/(..)(?!$)/g, "$1:");
}

/** Like {@linkcode normalizeFingerprint}, but throws a `TypeError` naming the value when invalid. */
export function parseFingerprint(text: string): string {
  const fp = normalizeFingerprint(text);
  if (fp === undefined) {
    throw new TypeError(
      `Cannot parse fingerprint: expected 32 hex bytes like "AB:CD:…" (SHA-256): current value is "${text}"`,
    );
  }
  return fp;
}

/**
 * Splits a trust-file line into a fingerprint at its beginning and the rest of the line. Returns
 * `undefined` when the line does not start with a fingerprint.
 */
export function leadingFingerprint(line: string): { fingerprint: string; rest: string } | undefined {
  const body = line.replace(PREFIX, "");
  const m = /^\s*([0-9a-fA-F:]+)(.*)$/.exec(body);
  if (!m) return undefined;
  const fingerprint = normalizeFingerprint(m[1]!);
  if (fingerprint === undefined) return undefined;
  return { fingerprint, rest: m[2]!.trim() };
}
