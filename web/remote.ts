/**
 * The distributed mode's {@linkcode Backend}: queries go to the Worker and configuration to the Server,
 * both over mTLS with the Webservice's own client certificate (`<etc>/webserver/cli_certificate.pem`);
 * browser telemetry goes to an agent's intake. Server certificates are pinned by fingerprint: given
 * explicitly, or read from `<etc>/<service>/srv_certificate.pem` when the services share the host.
 * @module
 */
import { join } from "node:path";
import type { Backend } from "@sonde/shared/api";
import { ConfigError } from "@sonde/shared/errors";
import { createMtlsClient, type MtlsClient } from "@sonde/shared/mtls";
import { ensureServiceIdentity, normalizeFingerprint, readCertificateFile } from "@sonde/shared/trust";
import { createRemoteBackend } from "@sonde/shared/wire/api_rpc";
import { createLogger } from "@sonde/shared/log";
import { composeBackend } from "./compose.ts";

/** Where the Worker, the Server and an intake are. */
export interface RemoteOptions {
  etc: string;
  /** `https://host:4200` */
  workerUrl: string;
  serverUrl: string;
  /** `http://127.0.0.1:4318` (an agent's telemetry intake). */
  intakeUrl: string;
  /** Pinned server-certificate fingerprints; default: read from `<etc>/worker|server/srv_certificate.pem`. */
  workerFingerprint?: string;
  serverFingerprint?: string;
}

const log = createLogger("web/remote");

async function pinFor(etc: string, service: "worker" | "server", given?: string): Promise<string> {
  if (given) {
    const fp = normalizeFingerprint(given);
    if (!fp) throw new ConfigError([`--${service}-fingerprint: not a SHA-256 fingerprint: "${given}"`]);
    return fp;
  }
  const path = join(etc, service, "srv_certificate.pem");
  const check = await readCertificateFile(path);
  if (!check.ok) {
    throw new ConfigError([
      `cannot pin the ${service}: ${check.reason} (give --${service}-fingerprint AB:CD:... when it runs on another host)`,
    ]);
  }
  return check.material.fingerprint;
}

/** Connects to the Worker and the Server; returns the Backend and a way to close the connections. */
export async function connectRemoteBackend(
  opts: RemoteOptions,
): Promise<{ backend: Backend; client: MtlsClient }> {
  const identity = await ensureServiceIdentity(opts.etc, "webserver");
  const pins = [
    await pinFor(opts.etc, "worker", opts.workerFingerprint),
    await pinFor(opts.etc, "server", opts.serverFingerprint),
  ];
  const client = createMtlsClient({ identity, pin: pins });
  const onLiveProblem = (message: string) => log.warn("live view", { message });
  const worker = createRemoteBackend(client, opts.workerUrl, { onLiveProblem });
  const server = createRemoteBackend(client, opts.serverUrl);
  log.info("backend", {
    worker: opts.workerUrl,
    server: opts.serverUrl,
    clientFingerprint: identity.client.fingerprint,
  });
  return { backend: composeBackend(worker, server, opts.intakeUrl), client };
}
