/**
 * The decision an mTLS server makes about each client certificate, and a cached view of a trust file
 * that reloads when the file changes (mtime, size) so edits take effect on the next connection.
 *
 * @module
 */
import { readTrustFile } from "../trust/trust_file.ts";

/** Decides whether a client certificate may talk to a server. */
export interface TrustPolicy {
  /**
   * Whether the client presenting certificate fingerprint `fp` (`AB:CD:…`) from address `peer`
   * (`host:port`) is trusted. Must not throw.
   */
  check(fp: string, peer: string): Promise<boolean>;
}

/** A trust file read on demand and re-read whenever its mtime or size changes. */
export class WatchedTrustFile {
  #stamp = "";
  #trusted: ReadonlySet<string> = new Set();

  constructor(readonly path: string) {}

  /** The trusted fingerprints now (a missing or unreadable file trusts nobody). */
  async current(): Promise<ReadonlySet<string>> {
    let stamp: string;
    try {
      const info = await Deno.stat(this.path);
      stamp = `${info.mtime?.getTime() ?? 0}:${info.size}:${info.ino ?? 0}`;
    } catch {
      stamp = "missing";
    }
    if (stamp !== this.#stamp) {
      this.#trusted = stamp === "missing"
        ? new Set()
        : new Set(await readTrustFile(this.path).catch(() => []));
      this.#stamp = stamp;
    }
    return this.#trusted;
  }

  /** Forgets the cache so the next {@linkcode current} re-reads the file. */
  invalidate(): void {
    this.#stamp = "";
  }
}
