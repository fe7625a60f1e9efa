/**
 * An mTLS HTTP server for a hono app: `node:https` with `requestCert` (Deno.serve cannot ask for
 * client certificates). Every TLS connection is checked against a {@linkcode TrustPolicy} before the
 * HTTP layer sees a byte: a connection without a client certificate, or with a fingerprint the policy
 * refuses, is closed with no data, and one log line names the fingerprint and the peer address
 * (repeats of the same line are rate-limited). `socket.authorized` is never consulted.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { fileTrustPolicy, peerFingerprint, serveMtls } from "@sonde/shared/mtls";
 * const app = new Hono().get("/v1/status", (c) => c.json({ ok: true, caller: peerFingerprint(c) }));
 * const srv = await serveMtls(app, {
 *   listen: { hostname: "127.0.0.1", port: 0 },
 *   identity,
 *   trust: fileTrustPolicy(identity.trustFile),
 *   name: "worker",
 * });
 * srv.port; // the bound port
 * await srv.stop();
 * ```
 * @module
 */
import { getRequestListener, type HttpBindings } from "@hono/node-server";
import https from "node:https";
import type { TLSSocket } from "node:tls";
import { errorMessage } from "../errors.ts";
import { createLogger } from "../log.ts";
import type { Service } from "../service.ts";
import type { ServiceIdentity } from "../trust/identity.ts";
import { RefusalLog } from "./refusal_log.ts";
import type { TrustPolicy } from "./trust_policy.ts";

/** Options of {@linkcode serveMtls}. */
export interface MtlsServerOptions {
  /** Address to bind; port 0 picks a free port. */
  listen: { hostname: string; port: number };
  /** The certificate presented is `identity.server`. */
  identity: ServiceIdentity;
  /** Which client certificates are accepted. */
  trust: TrustPolicy;
  /** Name for logs and the returned service. */
  name: string;
  /** How long an idle kept-alive connection stays open. Default 75 s. */
  keepAliveTimeoutMs?: number;
}

/** The part of a hono app the server needs. */
export interface FetchApp {
  fetch(request: Request, env: HttpBindings): Response | Promise<Response>;
}

/** A running mTLS server. */
export interface MtlsServer extends Service {
  /** The bound port. */
  readonly port: number;
  /** Connections accepted and refused since start. */
  stats(): { accepted: number; refused: number };
}

const fingerprints = new WeakMap<object, string>();

/**
 * The SHA-256 fingerprint (`AB:CD:…`) of the client certificate of the request in a handler served
 * by {@linkcode serveMtls}; `undefined` when the request did not come through it.
 */
export function peerFingerprint(c: { env: unknown }): string | undefined {
  const socket = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket;
  return socket ? fingerprints.get(socket) : undefined;
}

function peerAddress(socket: TLSSocket): string {
  const host = socket.remoteAddress ?? "unknown";
  return host.includes(":") ? `[${host}]:${socket.remotePort}` : `${host}:${socket.remotePort}`;
}

/** Starts an mTLS server for `app`; resolves once it listens. */
export async function serveMtls(app: FetchApp, opts: MtlsServerOptions): Promise<MtlsServer> {
  const log = createLogger(`${opts.name}/mtls`);
  const refusals = new RefusalLog(log);
  const sockets = new Set<TLSSocket>();
  let accepted = 0;
  const listener = getRequestListener(
    (request, env) => app.fetch(request, env as HttpBindings),
    { overrideGlobalObjects: false, hostname: opts.listen.hostname },
  );
  const server = https.createServer({
    key: opts.identity.server.keyPem,
    cert: opts.identity.server.certPem,
    requestCert: true,
    rejectUnauthorized: false,
    keepAlive: true,
  }, listener);
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? 75_000;
  const http = server.listeners("secureConnection") as ((socket: TLSSocket) => void)[];
  server.removeAllListeners("secureConnection");

  const admit = async (socket: TLSSocket): Promise<void> => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => {}); // a peer reset is not the server's problem
    const peer = peerAddress(socket);
    const fp = socket.getPeerCertificate()?.fingerprint256;
    let ok = false;
    if (fp) {
      try {
        ok = await opts.trust.check(fp, peer);
      } catch (e) {
        log.error("trust check failed", { fingerprint: fp, peer, error: errorMessage(e) });
      }
    }
    if (!ok || socket.destroyed) {
      refusals.refused(fp, peer);
      socket.destroy();
      return;
    }
    accepted++;
    fingerprints.set(socket, fp!);
    for (const l of http) l.call(server, socket);
  };
  server.on("secureConnection", (socket: TLSSocket) => void admit(socket));
  server.on("tlsClientError", (e: Error) => log.debug("tls handshake failed", { error: errorMessage(e) }));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.listen.port, opts.listen.hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (e: Error) => log.error("server error", { error: errorMessage(e) }));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.listen.port;
  log.info("listening", {
    address: `${opts.listen.hostname}:${port}`,
    fingerprint: opts.identity.server.fingerprint,
  });
  return {
    name: opts.name,
    port,
    stats: () => ({ accepted, refused: refusals.total }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
