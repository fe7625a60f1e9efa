/**
 * Webhook channel: POSTs the notification as JSON with an `Idempotency-Key: <outbox id>` header and,
 * when a secret is set, `X-Sonde-Signature: sha256=<hex HMAC-SHA256 of the body>`. 2xx is delivered;
 * 408, 429, 5xx and network errors are retried; any other status is permanent.
 *
 * Settings: `{ "url": "https://...", "secret"?: "...", "timeoutMs"?: 10000, "headers"?: {...} }`.
 * @module
 */
import { errorMessage } from "@sonde/shared/errors";
import { type Channel, DeliveryError, type Message, SettingsReader, withTimeout } from "./channel.ts";

/** Parsed webhook settings. */
export interface WebhookSettings {
  url: string;
  secret?: string;
  timeoutMs: number;
  headers: Record<string, string>;
}

/** Hex HMAC-SHA256 of `body` with `secret`, as sent in `X-Sonde-Signature` (after `sha256=`). */
export async function signBody(secret: string, body: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    enc.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [
      "sign",
    ],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(body)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

function parseSettings(settings: unknown): WebhookSettings {
  const r = new SettingsReader("webhook", settings);
  const url = r.str("url");
  if (url && !/^https?:\/\//.test(url)) {
    r.problems.push(`webhook settings "url" must be http(s): current value is "${url}"`);
  }
  const secret = r.optStr("secret");
  const timeoutMs = r.num("timeoutMs", 10_000);
  const raw = (settings as { headers?: unknown } | null)?.headers;
  const headers: Record<string, string> = {};
  if (raw !== undefined) {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      r.problems.push(
        `webhook settings "headers" must be an object of strings: current value is ${JSON.stringify(raw)}`,
      );
    } else {
      for (const [k, v] of Object.entries(raw)) {
        if (typeof v === "string") headers[k] = v;
        else {r.problems.push(
            `webhook settings "headers.${k}" must be a string: current value is ${JSON.stringify(v)}`,
          );}
      }
    }
  }
  r.done();
  return { url, secret, timeoutMs, headers };
}

async function send(message: Message, settings: unknown, signal: AbortSignal): Promise<void> {
  const s = parseSettings(settings);
  const body = JSON.stringify({
    id: message.id,
    subject: message.subject,
    text: message.text,
    ...message.payload,
  });
  const headers: Record<string, string> = {
    ...s.headers,
    "content-type": "application/json",
    "idempotency-key": String(message.id),
    "user-agent": "sonde-ecomm",
  };
  if (s.secret) headers["x-sonde-signature"] = `sha256=${await signBody(s.secret, body)}`;
  const t = withTimeout(signal, s.timeoutMs);
  let res: Response;
  try {
    res = await fetch(s.url, { method: "POST", headers, body, signal: t.signal });
    await res.body?.cancel();
  } catch (e) {
    const why = t.signal.aborted ? errorMessage(t.signal.reason) : errorMessage(e);
    throw new DeliveryError(`Cannot POST webhook ${s.url}: ${why}`, true, e);
  } finally {
    t.done();
  }
  if (res.ok) return;
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  throw new DeliveryError(
    `Cannot POST webhook ${s.url}: HTTP ${res.status} ${res.statusText}`.trim(),
    retryable,
  );
}

/** The webhook channel. */
export const webhookChannel: Channel = { type: "webhook", parseSettings, send };
