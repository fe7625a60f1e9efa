/**
 * Certificates and fingerprint trust shared by every Sonde service: self-signed RSA certificates,
 * `trusted_certificates.cfg` files, and each service's identity under `<etc>/<service>/`.
 *
 * @example
 * ```ts
 * import { ensureServiceIdentity } from "@sonde/shared/trust";
 * const identity = await ensureServiceIdentity("./data/etc", "server");
 * ```
 * @module
 */
export * from "./fingerprint.ts";
export * from "./certificates.ts";
export * from "./trust_file.ts";
export * from "./identity.ts";
export { readTextIfExists, withFileLock } from "./files.ts";
export type { LockOptions } from "./files.ts";
