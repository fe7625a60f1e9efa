/**
 * Trust exactly the fingerprints listed in a `trusted_certificates.cfg` (server, worker, ecomm).
 *
 * @example
 * ```ts
 * import { fileTrustPolicy } from "@sonde/shared/mtls";
 * const trust = fileTrustPolicy(identity.trustFile);
 * ```
 * @module
 */
import { normalizeFingerprint } from "../trust/fingerprint.ts";
import { type TrustPolicy, WatchedTrustFile } from "./trust_policy.ts";

/** A policy trusting the fingerprints in `path`, reloaded when the file's mtime changes. */
export function fileTrustPolicy(path: string): TrustPolicy {
  const file = new WatchedTrustFile(path);
  return {
    async check(fp) {
      const canonical = normalizeFingerprint(fp);
      return canonical !== undefined && (await file.current()).has(canonical);
    },
  };
}
