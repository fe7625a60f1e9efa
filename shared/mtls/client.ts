/**
 * An mTLS HTTP client: `node:https` with a keep-alive agent presenting `identity.client`, and a pin
 * on the server certificate's SHA-256 fingerprint checked when the TLS handshake completes, before
 * the connection is handed to HTTP, so no request byte reaches an untrusted peer. Connections are
 * kept alive and reused (the pull loop talks to thousands of agents).
 *
 * @example
 * ```ts
 * import { createMtlsClient } from "@sonde/shared/mtls";
 * const client = createMtlsClient({ identity, pin: (fp) => knownAgents.has(fp) });
 * const res = await client.request("https://10.0.0.5:4100/v1/status");
 * res.status; res.peerFingerprint; // 200, "AB:CD:…"
 * client.close();
 * ```
 * @module
 */
import https from "node:https";
import type { IncomingMessage } from "node:http";
import { errorMessage, SondeError } from "../errors.ts";
import type { ServiceIdentity } from "../trust/identity.ts";
import { expectJson, type JsonResponse } from "./client_json.ts";
import { createPinnedAgent, type PeerPin } from "./pinned_agent.ts";

export type { PeerPin };

/** Options of {@linkcode createMtlsClient}. */
export interface MtlsClientOptions {
  /** `identity.client` is presented as client certificate. */
  identity: ServiceIdentity;
  /** Which server certificates are trusted. */
  pin: PeerPin;
  /** Open connections per origin at most. Default 4. */
  maxSocketsPerOrigin?: number;
  /** Idle kept-alive connections are closed after this long. Default 60 s (servers keep 75 s). */
  idleTimeoutMs?: number;
  /** Default time limit of a request, connecting included. Default 30 s. */
  timeoutMs?: number;
}

/** A request. */
export interface MtlsRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Overrides the client's default time limit. */
  timeoutMs?: number;
}

/** A response, with the fingerprint of the server certificate it came over. */
export interface MtlsResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  peerFingerprint: string;
}

/** An mTLS client; see {@linkcode createMtlsClient}. */
export interface MtlsClient {
  /** Sends a request; rejects with `SondeError("untrusted_peer")` when the pin refuses the server. */
  request(url: string, init?: MtlsRequest): Promise<MtlsResponse>;
  /** GET and parse JSON; rejects with `SondeError("http_status")` on a non-2xx status. */
  getJson(url: string, init?: MtlsRequest): Promise<JsonResponse>;
  /** Sends `value` as JSON (default POST) and parses the JSON answer; non-2xx rejects. */
  sendJson(url: string, value: unknown, init?: MtlsRequest): Promise<JsonResponse>;
  /** Destroys every connection. */
  close(): void;
}

/** Creates an mTLS client presenting `opts.identity.client` and pinning servers with `opts.pin`. */
export function createMtlsClient(opts: MtlsClientOptions): MtlsClient {
  const defaultTimeout = opts.timeoutMs ?? 30_000;

  const pinned = createPinnedAgent({
    certPem: opts.identity.client.certPem,
    keyPem: opts.identity.client.keyPem,
    pin: opts.pin,
    connectTimeoutMs: defaultTimeout,
    maxSocketsPerOrigin: opts.maxSocketsPerOrigin ?? 4,
    idleTimeoutMs: opts.idleTimeoutMs ?? 60_000,
  });
  const agent = pinned.agent;

  const once = (url: URL, init: MtlsRequest) =>
    new Promise<MtlsResponse & { reused: boolean }>((resolve, reject) => {
      const timeoutMs = init.timeoutMs ?? defaultTimeout;
      const body = typeof init.body === "string" ? new TextEncoder().encode(init.body) : init.body;
      const headers: Record<string, string> = { ...init.headers };
      if (body) headers["content-length"] = String(body.byteLength);
      const req = https.request(
        url,
        { method: init.method ?? "GET", headers, agent },
        (res: IncomingMessage) => {
          const chunks: Uint8Array[] = [];
          res.on("data", (c: Uint8Array) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const flat: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) {
                flat[k] = Array.isArray(v) ? v.join(", ") : v;
              }
            }
            const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
            let at = 0;
            for (const c of chunks) bytes.set(c, (at += c.byteLength) - c.byteLength);
            resolve({
              status: res.statusCode ?? 0,
              headers: flat,
              body: bytes,
              peerFingerprint: pinned.fingerprintOf(req.socket),
              reused: req.reusedSocket,
            });
          });
        },
      );
      const timer = setTimeout(
        () =>
          req.destroy(
            new SondeError(
              "timeout",
              `Cannot ${init.method ?? "GET"} ${url}: no answer within ${timeoutMs} ms`,
              { retryable: true },
            ),
          ),
        timeoutMs,
      );
      req.on("close", () => clearTimeout(timer));
      req.on("error", (e) => {
        clearTimeout(timer);
        reject(Object.assign(e, { reused: req.reusedSocket }));
      });
      req.end(body);
    });

  const request = async (url: string, init: MtlsRequest = {}): Promise<MtlsResponse> => {
    const target = new URL(url);
    if (target.protocol !== "https:") {
      throw new SondeError("invalid_url", `Cannot request ${url}: only https:// URLs are supported`);
    }
    for (let attempt = 0;; attempt++) {
      try {
        const { reused: _, ...res } = await once(target, init);
        return res;
      } catch (e) {
        // A kept-alive connection the server closed meanwhile: retry once on a fresh one.
        const stale = (e as { reused?: boolean }).reused === true && !(e instanceof SondeError);
        if (stale && attempt === 0) continue;
        if (e instanceof SondeError) throw e;
        const code = (e as { code?: string }).code;
        const hint = code === "ECONNRESET" || /socket hang up/i.test(errorMessage(e))
          ? ` (the server closed the connection: does its trusted_certificates.cfg list this client's ` +
            `fingerprint ${opts.identity.client.fingerprint}?)`
          : "";
        throw new SondeError(
          "request_failed",
          `Cannot ${init.method ?? "GET"} ${url}: ${errorMessage(e)}${hint}`,
          {
            retryable: true,
            cause: e,
          },
        );
      }
    }
  };

  return {
    request,
    getJson: async (url, init = {}) =>
      expectJson(url, await request(url, { ...init, method: init.method ?? "GET" })),
    sendJson: async (url, value, init = {}) =>
      expectJson(
        url,
        await request(url, {
          ...init,
          method: init.method ?? "POST",
          headers: { "content-type": "application/json", ...init.headers },
          body: JSON.stringify(value),
        }),
      ),
    close: () => agent.destroy(),
  };
}
