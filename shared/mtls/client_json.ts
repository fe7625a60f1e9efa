/**
 * JSON handling of {@linkcode MtlsClient} answers.
 *
 * @module
 */
import { SondeError } from "../errors.ts";

/** A parsed JSON answer and the server certificate fingerprint it came over. */
export interface JsonResponse {
  status: number;
  /** The parsed body; validate it with the wire type's `parseX`. */
  value: unknown;
  peerFingerprint: string;
}

/** Parses a 2xx JSON answer of `url`; a non-2xx status or unparsable body rejects with the reason. */
export function expectJson(
  url: string,
  res: { status: number; body: Uint8Array; peerFingerprint: string },
): JsonResponse {
  const text = new TextDecoder().decode(res.body);
  if (res.status < 200 || res.status > 299) {
    throw new SondeError(
      "http_status",
      `Request to ${url} failed: status ${res.status}: ${text.slice(0, 300)}`,
      {
        retryable: res.status >= 500,
        status: res.status,
      },
    );
  }
  try {
    return {
      status: res.status,
      value: text === "" ? null : JSON.parse(text),
      peerFingerprint: res.peerFingerprint,
    };
  } catch (e) {
    throw new SondeError(
      "invalid_response",
      `Cannot parse the answer of ${url} as JSON: ${(e as Error).message}: current value is "${
        text.slice(0, 100)
      }"`,
    );
  }
}
