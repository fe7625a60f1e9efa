/**
 * Mutual TLS between Sonde services: a hono server refusing untrusted client certificates, trust
 * policies (trust file, trust on first use), and a pinned keep-alive client.
 *
 * @example
 * ```ts
 * import { createMtlsClient, fileTrustPolicy, serveMtls } from "@sonde/shared/mtls";
 * ```
 * @module
 */
export * from "./trust_policy.ts";
export * from "./file_policy.ts";
export * from "./first_use_policy.ts";
export * from "./server.ts";
export * from "./client.ts";
export * from "./client_json.ts";
export { RefusalLog } from "./refusal_log.ts";
