/**
 * Trust on first use, for the agent: while its trust file is missing or lists no fingerprint, the
 * first client that presents a certificate is written to the file (under a comment line saying when
 * and from where) and trusted; from then on only the listed fingerprints are. The decision is
 * serialized in-process and across processes (lock file, re-read under the lock), so two servers
 * racing for a fresh agent cannot both get in.
 *
 * @example
 * ```ts
 * import { firstUseTrustPolicy } from "@sonde/shared/mtls";
 * const trust = firstUseTrustPolicy(identity.trustFile, log);
 * ```
 * @module
 */
import type { Logger } from "../log.ts";
import { errorMessage } from "../errors.ts";
import { normalizeFingerprint } from "../trust/fingerprint.ts";
import { updateTrustFile } from "../trust/trust_file.ts";
import { type TrustPolicy, WatchedTrustFile } from "./trust_policy.ts";

/** A trust-on-first-use policy over the trust file `path`. */
export function firstUseTrustPolicy(path: string, log: Logger): TrustPolicy {
  const file = new WatchedTrustFile(path);
  let queue: Promise<unknown> = Promise.resolve();

  const claim = async (fp: string, peer: string): Promise<boolean> => {
    let adopted = false;
    await updateTrustFile(path, (lines) => {
      if (lines.some((l) => l.fingerprint)) return undefined;
      adopted = true;
      return [
        ...lines,
        { text: `# trusted on first use ${new Date().toISOString()} from ${peer}` },
        { text: fp, fingerprint: fp },
      ];
    });
    file.invalidate();
    if (adopted) log.info("trusted on first use", { fingerprint: fp, peer, file: path });
    return (await file.current()).has(fp);
  };

  return {
    async check(fp, peer) {
      const canonical = normalizeFingerprint(fp);
      if (canonical === undefined) return false;
      const trusted = await file.current();
      if (trusted.size > 0) return trusted.has(canonical);
      const decision = queue.then(() => claim(canonical, peer));
      queue = decision.catch(() => {});
      try {
        return await decision;
      } catch (e) {
        log.error("cannot record first-use trust", {
          file: path,
          fingerprint: canonical,
          error: errorMessage(e),
        });
        return false;
      }
    },
  };
}
