/**
 * SMTP channel: sends the message as a plain-text mail through a relay, with optional STARTTLS (or
 * implicit TLS) and optional AUTH PLAIN. The outbox id goes into `Message-ID` and `Idempotency-Key`
 * headers so a repeated delivery can be recognised.
 *
 * Settings: `{ "host": "mail.example.com", "port"?: 25, "security"?: "none"|"starttls"|"tls",
 * "username"?: "...", "password"?: "...", "from": "sonde@example.com", "to": ["ops@example.com"],
 * "timeoutMs"?: 30000, "caCertPem"?: "-----BEGIN CERTIFICATE-----..." }`.
 * @module
 */
import { type Channel, type Message, SettingsReader, withTimeout } from "./channel.ts";
import { sendMail, type SmtpOptions, type SmtpSecurity } from "./smtp_client.ts";

/** Parsed SMTP settings. */
export interface SmtpSettings extends SmtpOptions {
  from: string;
  to: string[];
  timeoutMs: number;
}

const SECURITY: readonly SmtpSecurity[] = ["none", "starttls", "tls"];

function parseSettings(settings: unknown): SmtpSettings {
  const r = new SettingsReader("smtp", settings);
  const host = r.str("host");
  const securityText = r.str("security", "none");
  const security = SECURITY.find((x) => x === securityText);
  if (!security) {
    r.problems.push(
      `smtp settings "security" must be one of ${SECURITY.join(", ")}: current value is "${securityText}"`,
    );
  }
  const port = r.num("port", security === "tls" ? 465 : 25);
  const username = r.optStr("username");
  const password = r.optStr("password");
  const from = r.str("from");
  const to = r.list("to", true);
  const timeoutMs = r.num("timeoutMs", 30_000);
  const heloName = r.str("heloName", "sonde");
  const ca = r.optStr("caCertPem");
  for (const addr of [from, ...to]) {
    if (addr && !/^[^\s<>@]+@[^\s<>@]+$/.test(addr)) {
      r.problems.push(`smtp address "${addr}" is not an address`);
    }
  }
  r.done();
  return {
    host,
    port,
    security: security ?? "none",
    username,
    password,
    from,
    to,
    timeoutMs,
    heloName,
    caCerts: ca ? [ca] : undefined,
  };
}

function headerText(value: string): string {
  const flat = value.replace(/[\r\n]+/g, " ");
  if (/^[\x20-\x7e]*$/.test(flat)) return flat;
  const bytes = new TextEncoder().encode(flat);
  return `=?UTF-8?B?${btoa(String.fromCharCode(...bytes))}?=`;
}

/** The RFC 5322 text of `message` for `settings`. */
export function renderMail(
  message: Message,
  settings: { from: string; to: string[] },
  now = new Date(),
): string {
  return [
    `From: ${settings.from}`,
    `To: ${settings.to.join(", ")}`,
    `Subject: ${headerText(message.subject)}`,
    `Date: ${now.toUTCString()}`,
    `Message-ID: <sonde-notification-${message.id}@sonde>`,
    `Idempotency-Key: ${message.id}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    message.text,
  ].join("\r\n");
}

async function send(message: Message, settings: unknown, signal: AbortSignal): Promise<void> {
  const s = parseSettings(settings);
  const t = withTimeout(signal, s.timeoutMs);
  try {
    await sendMail(s, { from: s.from, to: s.to, data: renderMail(message, s) }, t.signal);
  } finally {
    t.done();
  }
}

/** The SMTP channel. */
export const smtpChannel: Channel = { type: "smtp", parseSettings, send };
