/**
 * A small SMTP client over `Deno.connect` / `Deno.connectTls`: EHLO, optional STARTTLS, optional
 * AUTH PLAIN, MAIL FROM, RCPT TO, DATA with dot-stuffing, QUIT. Replies 4xx are temporary (retried),
 * 5xx permanent, as RFC 5321 says.
 * @module
 */
import { errorMessage } from "@sonde/shared/errors";
import { DeliveryError } from "./channel.ts";

/** How the connection is protected. */
export type SmtpSecurity = "none" | "starttls" | "tls";

/** Where and how to send. */
export interface SmtpOptions {
  host: string;
  port: number;
  security: SmtpSecurity;
  username?: string;
  password?: string;
  heloName: string;
  /** Extra trusted CA certificates (PEM), e.g. a self-signed relay. */
  caCerts?: string[];
}

/** One mail: envelope and the complete header + body text. */
export interface SmtpMail {
  from: string;
  to: string[];
  /** RFC 5322 message (headers, blank line, body) with `\n` or `\r\n` line ends. */
  data: string;
}

interface Reply {
  code: number;
  text: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const MAX_REPLY = 64 * 1024;

class SmtpSession {
  private buf = "";
  constructor(private conn: Deno.Conn, private readonly host: string) {}

  async reply(): Promise<Reply> {
    const lines: string[] = [];
    const chunk = new Uint8Array(4096);
    for (;;) {
      const nl = this.buf.indexOf("\r\n");
      if (nl >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 2);
        lines.push(line);
        if (!/^\d{3}[ -]?/.test(line)) throw this.fail(`malformed reply line ${JSON.stringify(line)}`, false);
        if (line[3] !== "-") {
          return {
            code: Number(line.slice(0, 3)),
            text: lines.map((l) => l.slice(4)).join(" "),
          };
        }
        continue;
      }
      if (this.buf.length > MAX_REPLY) throw this.fail("reply longer than 64 KiB", false);
      const n = await this.conn.read(chunk);
      if (n === null) throw this.fail("connection closed by the server", true);
      this.buf += dec.decode(chunk.subarray(0, n));
    }
  }

  async write(text: string): Promise<void> {
    const bytes = enc.encode(text);
    let off = 0;
    while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
  }

  /** Sends `line` (unless empty) and checks the reply code class against `expect`. */
  async command(line: string, expect: number, what = line.split(" ")[0]!): Promise<Reply> {
    if (line) await this.write(line + "\r\n");
    const r = await this.reply();
    if (Math.floor(r.code / 100) !== expect) {
      throw this.fail(`${what} answered ${r.code} ${r.text}`, r.code >= 400 && r.code < 500);
    }
    return r;
  }

  async startTls(caCerts?: string[]): Promise<void> {
    if (this.buf) throw this.fail("data received before the TLS handshake", false);
    this.conn = await Deno.startTls(this.conn as Deno.TcpConn, { hostname: this.host, caCerts });
  }

  fail(why: string, retryable: boolean): DeliveryError {
    return new DeliveryError(`SMTP server ${this.host}: ${why}`, retryable);
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // already closed (e.g. by the abort handler)
    }
  }
}

/** Escapes lines starting with "." and normalises line ends to CRLF. */
export function dotStuff(data: string): string {
  return data.replace(/\r?\n/g, "\r\n").split("\r\n").map((l) => (l.startsWith(".") ? "." + l : l)).join(
    "\r\n",
  );
}

/** Delivers `mail`; throws a {@linkcode DeliveryError} saying which step failed and why. */
export async function sendMail(options: SmtpOptions, mail: SmtpMail, signal: AbortSignal): Promise<void> {
  let conn: Deno.Conn;
  try {
    conn = options.security === "tls"
      ? await Deno.connectTls({ hostname: options.host, port: options.port, caCerts: options.caCerts })
      : await Deno.connect({ hostname: options.host, port: options.port, signal });
  } catch (e) {
    throw new DeliveryError(
      `Cannot connect to SMTP server ${options.host}:${options.port}: ${errorMessage(e)}`,
      true,
      e,
    );
  }
  const s = new SmtpSession(conn, options.host);
  const onAbort = () => s.close();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    await s.command("", 2, "greeting");
    let ehlo = await s.command(`EHLO ${options.heloName}`, 2);
    if (options.security === "starttls") {
      if (!/\bSTARTTLS\b/i.test(ehlo.text)) throw s.fail("does not offer STARTTLS", false);
      await s.command("STARTTLS", 2);
      await s.startTls(options.caCerts);
      ehlo = await s.command(`EHLO ${options.heloName}`, 2);
    }
    if (options.username !== undefined) {
      if (!/\bAUTH\b[^\r\n]*\bPLAIN\b/i.test(ehlo.text)) throw s.fail("does not offer AUTH PLAIN", false);
      const token = btoa(
        String.fromCharCode(...enc.encode(`\0${options.username}\0${options.password ?? ""}`)),
      );
      await s.command(`AUTH PLAIN ${token}`, 2, "AUTH PLAIN");
    }
    await s.command(`MAIL FROM:<${mail.from}>`, 2, "MAIL FROM");
    for (const to of mail.to) await s.command(`RCPT TO:<${to}>`, 2, `RCPT TO <${to}>`);
    await s.command("DATA", 3);
    await s.write(dotStuff(mail.data).replace(/(\r\n)?$/, "\r\n") + ".\r\n");
    await s.command("", 2, "end of DATA");
    await s.write("QUIT\r\n").catch(() => {});
  } catch (e) {
    if (e instanceof DeliveryError) throw e;
    const why = signal.aborted ? errorMessage(signal.reason) : errorMessage(e);
    throw new DeliveryError(`SMTP server ${options.host}: ${why}`, true, e);
  } finally {
    signal.removeEventListener("abort", onAbort);
    s.close();
  }
}
