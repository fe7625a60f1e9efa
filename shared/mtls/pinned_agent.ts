/**
 * The connection side of the mTLS client: a keep-alive `https.Agent` that opens `node:tls`
 * connections with the client certificate and checks the server certificate's fingerprint when the
 * handshake completes, before the socket is handed to HTTP — so no request byte reaches an
 * untrusted peer.
 *
 * @module
 */
import https from "node:https";
import tls from "node:tls";
import type { ClientRequestArgs } from "node:http";
import type { Duplex } from "node:stream";
import { errorMessage, SondeError } from "../errors.ts";
import { normalizeFingerprint } from "../trust/fingerprint.ts";

/**
 * Decides whether a server certificate is trusted: a fingerprint, a list of them, or a function
 * given the fingerprint and the origin (`https://host:port`) — it may record a first-contact pin.
 */
export type PeerPin =
  | string
  | readonly string[]
  | ((fp: string, origin: string) => boolean | Promise<boolean>);

type Oncreate = (error: Error | null, stream: Duplex) => void;

function pinCheck(pin: PeerPin): (fp: string, origin: string) => boolean | Promise<boolean> {
  if (typeof pin === "function") return pin;
  const list = (typeof pin === "string" ? [pin] : pin).map((p) => normalizeFingerprint(p));
  const allowed = new Set(list.filter((p): p is string => p !== undefined));
  return (fp) => allowed.has(fp);
}

/** Options of {@linkcode createPinnedAgent}. */
export interface PinnedAgentOptions {
  /** Client certificate and key presented on every connection (PEM). */
  certPem: string;
  keyPem: string;
  /** Decides on the server certificate fingerprint; see {@linkcode PeerPin}. */
  pin: PeerPin;
  /** Time limit of connect + TLS handshake. */
  connectTimeoutMs: number;
  /** Open connections per origin at most. */
  maxSocketsPerOrigin: number;
  /** Idle kept-alive connections are closed after this long. */
  idleTimeoutMs: number;
}

/** A keep-alive agent and the server fingerprint of each socket it handed out. */
export interface PinnedAgent {
  agent: https.Agent;
  /** The server certificate fingerprint of a socket from this agent, or "" for others. */
  fingerprintOf(socket: object | null | undefined): string;
}

/**
 * Creates a keep-alive `https.Agent` whose connections present the client certificate and are handed
 * to HTTP only after the server certificate's fingerprint passed `pin`.
 */
export function createPinnedAgent(opts: PinnedAgentOptions): PinnedAgent {
  const check = pinCheck(opts.pin);
  const fingerprints = new WeakMap<object, string>();
  const { certPem, keyPem } = opts;
  const defaultTimeout = opts.connectTimeoutMs;

  class Pinned extends https.Agent {
    override createConnection(o: ClientRequestArgs, oncreate?: Oncreate): Duplex {
      const host = o.host ?? o.hostname ?? "localhost";
      const origin = `https://${host.includes(":") ? `[${host}]` : host}:${o.port}`;
      let done = false;
      const finish = (e: Error | null, s?: tls.TLSSocket) => {
        if (done) return;
        done = true;
        oncreate?.(e, s as Duplex);
      };
      const socket = tls.connect({
        host,
        port: Number(o.port),
        servername: (o as tls.ConnectionOptions).servername || undefined,
        cert: certPem,
        key: keyPem,
        rejectUnauthorized: false,
      });
      socket.once(
        "error",
        (e) =>
          finish(
            new SondeError("connect_failed", `Cannot connect to ${origin}: ${errorMessage(e)}`, {
              retryable: true,
              cause: e,
            }),
          ),
      );
      socket.setTimeout(defaultTimeout, () => {
        if (done) return;
        socket.destroy();
        finish(
          new SondeError(
            "connect_timeout",
            `Cannot connect to ${origin}: no TLS handshake within ${defaultTimeout} ms`,
            { retryable: true },
          ),
        );
      });
      socket.once("secureConnect", async () => {
        socket.setTimeout(0);
        const fp = socket.getPeerCertificate()?.fingerprint256 ?? "";
        let ok = false;
        try {
          ok = fp !== "" && await check(fp, origin);
        } catch (e) {
          socket.destroy();
          return finish(
            new SondeError(
              "untrusted_peer",
              `Cannot connect to ${origin}: pin check failed: ${errorMessage(e)}`,
              { cause: e },
            ),
          );
        }
        if (!ok) {
          socket.destroy();
          return finish(
            new SondeError(
              "untrusted_peer",
              `Cannot connect to ${origin}: certificate fingerprint ${fp || "(none)"} is not trusted`,
            ),
          );
        }
        fingerprints.set(socket, fp);
        finish(null, socket);
      });
      return undefined as unknown as Duplex; // handed over through oncreate after the pin check
    }
  }
  return {
    agent: new Pinned({ keepAlive: true, maxSockets: opts.maxSocketsPerOrigin, timeout: opts.idleTimeoutMs }),
    fingerprintOf: (socket) => (socket ? fingerprints.get(socket) ?? "" : ""),
  };
}
