/**
 * A tiny SMTP server for tests (node:net, with a real node:tls upgrade for STARTTLS): EHLO, STARTTLS,
 * AUTH PLAIN, MAIL, RCPT, DATA, QUIT. It records every accepted mail, and can be told to answer RCPT
 * with a temporary error a number of times.
 * @module
 */
import net from "node:net";
import tls from "node:tls";

/** A mail the fixture accepted. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** Header and body, dot-unstuffed, CRLF line ends. */
  data: string;
  /** Whether the session was protected by STARTTLS when DATA arrived. */
  secured: boolean;
  /** The user that authenticated, if any. */
  user?: string;
}

/** Fixture options. */
export interface SmtpFixtureOptions {
  /** Offer STARTTLS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** Speak TLS from the first byte (SMTPS, port 465 style) with this key and certificate. */
  implicitTls?: { key: string; cert: string };
  /** Require AUTH PLAIN with these credentials. */
  auth?: { user: string; pass: string };
  /** Answer the first `n` RCPT commands with `451 try later`. */
  tempFailRcpt?: number;
}

/** A running fixture. */
export interface SmtpFixture {
  port: number;
  mails: ReceivedMail[];
  /** Every command line received, in order (AUTH lines included). */
  commands: string[];
  close(): Promise<void>;
}

/** Starts the fixture on 127.0.0.1 and an ephemeral port. */
export function startSmtpFixture(o: SmtpFixtureOptions = {}): Promise<SmtpFixture> {
  const mails: ReceivedMail[] = [];
  const commands: string[] = [];
  let rcptFailures = o.tempFailRcpt ?? 0;
  const sockets = new Set<net.Socket>();
  const handler = (raw: net.Socket, securedAtStart: boolean) => {
    sockets.add(raw);
    raw.on("close", () => sockets.delete(raw));
    let out: net.Socket | tls.TLSSocket = raw;
    let secured = securedAtStart;
    let user: string | undefined;
    let mail: { from: string; to: string[] } | undefined;
    let data: string[] | undefined;
    let buf = "";
    const say = (text: string): void => {
      out.write(text + "\r\n");
    };
    const onLine = (line: string): void => {
      if (data) {
        if (line === ".") {
          mails.push({ from: mail!.from, to: mail!.to, data: data.join("\r\n"), secured, user });
          data = undefined;
          mail = undefined;
          say("250 queued");
          return;
        }
        data.push(line.startsWith(".") ? line.slice(1) : line);
        return;
      }
      commands.push(line);
      const verb = line.split(" ")[0]!.toUpperCase();
      if (verb === "EHLO") {
        const ext = ["AUTH PLAIN", ...(o.tls && !secured ? ["STARTTLS"] : []), "8BITMIME"];
        say(["250-fixture", ...ext.map((e, i) => `250${i === ext.length - 1 ? " " : "-"}${e}`)].join("\r\n"));
        return;
      }
      if (verb === "STARTTLS" && o.tls && !secured) {
        say("220 ready to start TLS");
        raw.removeAllListeners("data");
        const t = new tls.TLSSocket(raw, { isServer: true, key: o.tls.key, cert: o.tls.cert });
        t.on("data", onData);
        t.on("error", () => raw.destroy());
        out = t;
        secured = true;
        buf = "";
        return;
      }
      if (verb === "AUTH") {
        const [, mech, token] = line.split(" ");
        const [, u, p] = atob(token ?? "").split("\0");
        if (mech?.toUpperCase() === "PLAIN" && o.auth && u === o.auth.user && p === o.auth.pass) {
          user = u;
          say("235 authenticated");
          return;
        }
        say("535 5.7.8 authentication failed");
        return;
      }
      if (verb === "MAIL") {
        if (o.auth && !user) return say("530 5.7.0 authentication required");
        mail = { from: /<(.*)>/.exec(line)?.[1] ?? "", to: [] };
        say("250 ok");
        return;
      }
      if (verb === "RCPT") {
        if (rcptFailures > 0) {
          rcptFailures--;
          say("451 4.3.0 try later");
          return;
        }
        mail?.to.push(/<(.*)>/.exec(line)?.[1] ?? "");
        say("250 ok");
        return;
      }
      if (verb === "DATA") {
        data = [];
        say("354 end with .");
        return;
      }
      if (verb === "QUIT") {
        say("221 bye");
        out.end();
        return;
      }
      say("502 command not implemented");
    };
    const onData = (chunk: Uint8Array | string) => {
      buf += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
      let nl;
      while ((nl = buf.indexOf("\r\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        onLine(line);
      }
    };
    raw.on("data", onData);
    raw.on("error", () => {});
    say("220 fixture ESMTP");
  };
  const server = o.implicitTls
    ? tls.createServer({ key: o.implicitTls.key, cert: o.implicitTls.cert }, (s) => handler(s, true))
    : net.createServer((s) => handler(s, false));
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        mails,
        commands,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

export { opensslCertificate } from "./helpers/openssl.ts";
