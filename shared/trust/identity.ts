/**
 * A service's identity under `<etc>/<service>/`: `srv_certificate.pem` (presented as TLS server),
 * `cli_certificate.pem` (presented as TLS client), `cli_certificate.fingerprint`, and the service's
 * own `trusted_certificates.cfg`. On start every service calls {@linkcode ensureServiceIdentity}: an
 * invalid or missing certificate is regenerated and the client fingerprint is written into the trust
 * files of the services that must trust it (design §3), the replaced fingerprint removed from them.
 *
 * @example
 * ```ts
 * import { ensureServiceIdentity } from "@sonde/shared/trust";
 * const identity = await ensureServiceIdentity("./data/etc", "worker");
 * identity.client.fingerprint; // "AB:CD:…", now listed in server/ and ecomm/trusted_certificates.cfg
 * ```
 * @module
 */
import { join } from "node:path";
import { createLogger, type Logger } from "../log.ts";
import {
  type CertificateMaterial,
  generateCertificate,
  hostName,
  parseCertificatePem,
  readCertificateFile,
} from "./certificates.ts";
import { normalizeFingerprint } from "./fingerprint.ts";
import { readTextIfExists, withFileLock } from "./files.ts";
import { writeFileAtomicSync } from "../files.ts";
import { TRUST_FILE_NAME, updateTrustFile } from "./trust_file.ts";

/** Every Sonde service that owns a folder under `<etc>`. */
export type ServiceName = "agent" | "server" | "worker" | "ecomm" | "webserver" | "snmp";

/** All service names, in a stable order. */
export const SERVICE_NAMES: readonly ServiceName[] = [
  "agent",
  "server",
  "worker",
  "ecomm",
  "webserver",
  "snmp",
];

/** Who trusts whom: callee → the callers whose client certificates it trusts. The agent uses TOFU. */
export const TRUSTED_CALLERS: Readonly<Record<ServiceName, readonly ServiceName[]>> = {
  server: ["worker", "ecomm", "webserver"],
  worker: ["server", "webserver"],
  ecomm: ["server", "worker"],
  agent: [],
  webserver: [],
  snmp: [],
};

/** File names inside a service folder, exactly as in the seed. */
export const IDENTITY_FILES = {
  server: "srv_certificate.pem",
  client: "cli_certificate.pem",
  fingerprint: "cli_certificate.fingerprint",
  trust: TRUST_FILE_NAME,
} as const;

/** A service's certificates and the path of its own trust file. */
export interface ServiceIdentity {
  /** The service. */
  service: ServiceName;
  /** `<etc>/<service>`. */
  dir: string;
  /** What the service presents as a TLS server. */
  server: CertificateMaterial;
  /** What the service presents as a TLS client. */
  client: CertificateMaterial;
  /** `<etc>/<service>/trusted_certificates.cfg`: the callers it accepts. */
  trustFile: string;
}

/** The services whose trust files must list `service`'s client fingerprint. */
export function trustDependents(service: ServiceName): ServiceName[] {
  return SERVICE_NAMES.filter((callee) => TRUSTED_CALLERS[callee].includes(service));
}

/** Checks that `name` is a service name; throws a `TypeError` naming the value otherwise. */
export function parseServiceName(name: string): ServiceName {
  const found = SERVICE_NAMES.find((s) => s === name);
  if (!found) {
    throw new TypeError(`Unknown service "${name}": expected one of ${SERVICE_NAMES.join(", ")}`);
  }
  return found;
}

interface Ensured {
  material: CertificateMaterial;
  replaced?: string;
}

async function ensureCertificate(path: string, commonName: string, log: Logger): Promise<Ensured> {
  const check = await readCertificateFile(path);
  if (check.ok) return { material: check.material };
  if (check.missing) log.info("creating certificate", { path });
  else log.warn("certificate invalid, generating a new one", { path, reason: check.reason });
  const material = await generateCertificate({ commonName });
  writeFileAtomicSync(path, material.keyPem + material.certPem, { mode: 0o600 });
  return { material, replaced: check.fingerprint };
}

/**
 * Checks (and creates or regenerates) the certificates of `service` under `<etc>/<service>/` and
 * makes the trust files of its dependents list its current client fingerprint. Safe to run by
 * several services (and several processes) at once on one `<etc>`.
 */
export async function ensureServiceIdentity(
  etc: string,
  service: ServiceName,
  log: Logger = createLogger("trust"),
): Promise<ServiceIdentity> {
  const dir = join(etc, service);
  await Deno.mkdir(dir, { recursive: true, mode: 0o755 });
  const host = hostName() ?? "localhost";
  const fpPath = join(dir, IDENTITY_FILES.fingerprint);
  const { server, client, retired } = await withFileLock(join(dir, ".identity"), async () => {
    const server = await ensureCertificate(join(dir, IDENTITY_FILES.server), `sonde ${service} ${host}`, log);
    const client = await ensureCertificate(
      join(dir, IDENTITY_FILES.client),
      `sonde ${service} client ${host}`,
      log,
    );
    const recorded = normalizeFingerprint((await readTextIfExists(fpPath)) ?? "");
    if (recorded !== client.material.fingerprint) {
      writeFileAtomicSync(fpPath, client.material.fingerprint + "\n");
    }
    const retired = [recorded, client.replaced].filter((fp): fp is string =>
      fp !== undefined && fp !== client.material.fingerprint
    );
    return { server: server.material, client: client.material, retired: [...new Set(retired)] };
  });
  const fp = client.fingerprint;
  for (const callee of trustDependents(service)) {
    const calleeDir = join(etc, callee);
    await Deno.mkdir(calleeDir, { recursive: true, mode: 0o755 });
    const changed = await updateTrustFile(join(calleeDir, TRUST_FILE_NAME), (lines) => {
      const kept = lines.filter((l) => !(l.fingerprint && retired.includes(l.fingerprint)));
      if (kept.some((l) => l.fingerprint === fp)) return kept.length === lines.length ? undefined : kept;
      return [...kept, { text: `${fp} # ${service} client certificate (${host})`, fingerprint: fp }];
    });
    if (changed) log.info("trust file updated", { callee, caller: service, fingerprint: fp, retired });
  }
  return { service, dir, server, client, trustFile: join(dir, TRUST_FILE_NAME) };
}

/**
 * Builds an identity from PEM text instead of `<etc>` (e.g. a certificate made by hand with the
 * seed's openssl commands). `serverPem` defaults to `clientPem`. Throws a `TypeError` with the
 * reason when a PEM is invalid.
 */
export function loadIdentityFromPem(
  service: ServiceName,
  clientPem: string,
  serverPem: string = clientPem,
  dir = "",
): ServiceIdentity {
  const material = (pem: string, what: string): CertificateMaterial => {
    const check = parseCertificatePem(pem, what);
    if (!check.ok) throw new TypeError(`Cannot load ${service} identity: ${check.reason}`);
    return check.material;
  };
  return {
    service,
    dir,
    server: material(serverPem, "the server PEM"),
    client: material(clientPem, "the client PEM"),
    trustFile: join(dir, TRUST_FILE_NAME),
  };
}
