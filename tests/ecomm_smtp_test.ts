import { assert, assertEquals, assertMatch } from "./helpers/assert.ts";
import { storeTest } from "./helpers/store.ts";
import { waitFor } from "./helpers/procs.ts";
import { addChannel, addEvent, addRule, fastEcomm, outbox } from "./ecomm_fixture.ts";
import { opensslCertificate, startSmtpFixture } from "./ecomm_smtp_fixture.ts";

const base = { host: "127.0.0.1", from: "sonde@example.test", to: ["ops@example.test", "dba@example.test"] };

storeTest("ecomm/smtp: a status change arrives as one mail over STARTTLS with AUTH PLAIN", async (store) => {
  const dir = await Deno.makeTempDir({ prefix: "sonde-smtp-" });
  const pem = await opensslCertificate(dir);
  const smtp = await startSmtpFixture({ tls: pem, auth: { user: "sonde", pass: "pw" } });
  const ch = await addChannel(store, "smtp", {
    ...base,
    host: "localhost",
    port: smtp.port,
    security: "starttls",
    username: "sonde",
    password: "pw",
    caCertPem: pem.cert,
  });
  await addRule(store, ch);
  await addEvent(store, "s:4", "mail-gw", "OK", "CRITICAL");
  const ecomm = fastEcomm(store);
  try {
    await waitFor(async () => (await outbox(store))[0]?.state === "sent", 10_000, "mail sent");
    assertEquals(smtp.mails.length, 1);
    const m = smtp.mails[0]!;
    assertEquals([m.from, m.to, m.secured, m.user], [base.from, base.to, true, "sonde"]);
    assertMatch(m.data, /^Subject: CRITICAL: mail-gw \(was OK\)\r$/m);
    const [row] = await outbox(store);
    assertMatch(m.data, new RegExp(`^Idempotency-Key: ${row!.id}\\r$`, "m"));
    assert(m.data.includes("mail-gw changed from OK to CRITICAL"), m.data);
    const before = smtp.commands.indexOf("STARTTLS");
    const auth = smtp.commands.findIndex((c) => c.startsWith("AUTH PLAIN"));
    assert(before >= 0 && auth > before, `AUTH must follow STARTTLS: ${smtp.commands.join(" | ")}`);
  } finally {
    await ecomm.stop();
    await smtp.close();
    await Deno.remove(dir, { recursive: true });
  }
}, ["postgres"]);

storeTest("ecomm/smtp: implicit TLS (SMTPS) delivers, an untrusted certificate is retried", async (store) => {
  const dir = await Deno.makeTempDir({ prefix: "sonde-smtps-" });
  const pem = await opensslCertificate(dir);
  const smtps = await startSmtpFixture({ implicitTls: pem });
  const ok = await addChannel(store, "smtp", {
    ...base,
    host: "localhost",
    port: smtps.port,
    security: "tls",
    caCertPem: pem.cert,
  }, "trusted");
  const untrusted = await addChannel(store, "smtp", {
    ...base,
    host: "localhost",
    port: smtps.port,
    security: "tls",
  }, "untrusted");
  await addRule(store, ok);
  await addRule(store, untrusted);
  await addEvent(store, "s:6", "vpn", "OK", "WARNING");
  const ecomm = fastEcomm(store, { backoffMs: 30, maxAttempts: 2 });
  try {
    await waitFor(
      async () => {
        const rows = await outbox(store);
        return rows.length === 2 && rows.every((r) => r.state !== "pending");
      },
      10_000,
      "both settled",
    );
    const rows = await outbox(store);
    assertEquals(rows.map((r) => [r.state, r.attempts]), [["sent", 1], ["failed", 2]]);
    assertMatch(rows[1]!.last_error ?? "", /gave up after 2 attempts: .*certificate/i);
    assertEquals(smtps.mails.map((m) => m.secured), [true]);
  } finally {
    await ecomm.stop();
    await smtps.close();
    await Deno.remove(dir, { recursive: true });
  }
}, ["postgres"]);

storeTest("ecomm/smtp: 4xx is retried, a rejected login fails at once with the reply", async (store) => {
  const busy = await startSmtpFixture({ tempFailRcpt: 2 });
  const locked = await startSmtpFixture({ auth: { user: "sonde", pass: "right" } });
  const a = await addChannel(store, "smtp", { ...base, port: busy.port }, "busy");
  const b = await addChannel(store, "smtp", {
    ...base,
    port: locked.port,
    username: "sonde",
    password: "wrong",
  }, "locked");
  await addRule(store, a);
  await addRule(store, b);
  await addEvent(store, "s:5", "db-01", "WARNING", "CRITICAL");
  const ecomm = fastEcomm(store, { backoffMs: 40, maxAttempts: 5 });
  try {
    await waitFor(
      async () => {
        const rows = await outbox(store);
        return rows.length === 2 && rows.every((r) => r.state !== "pending");
      },
      10_000,
      "both settled",
    );
    const rows = await outbox(store);
    assertEquals(rows.map((r) => [r.state, r.attempts]), [["sent", 3], ["failed", 1]]);
    assertMatch(rows[1]!.last_error ?? "", /AUTH PLAIN answered 535/);
    assertEquals([busy.mails.length, locked.mails.length], [1, 0]);
  } finally {
    await ecomm.stop();
    await busy.close();
    await locked.close();
  }
}, ["postgres"]);

storeTest(
  "ecomm/command: %FILE %TO %SUBJECT reach the program; a failing program ends failed",
  async (store) => {
    const dir = await Deno.makeTempDir({ prefix: "sonde-cmd-" });
    const script = `cat "$1" > ${dir}/mail.txt; printf '%s\\n' "$2" "$3" > ${dir}/args.txt`;
    const ok = await addChannel(store, "command", {
      command: ["/bin/sh", "-c", script, "sh", "%FILE", "%TO", "%SUBJECT"],
      to: ["ops@example.test", "+43123"],
    }, "ok");
    const bad = await addChannel(store, "command", {
      command: ["/bin/sh", "-c", "echo no modem >&2; exit 3"],
    }, "bad");
    await addRule(store, ok);
    await addRule(store, bad);
    await addEvent(store, "g:9", "payments", "OK", "UNKNOWN");
    const ecomm = fastEcomm(store, { backoffMs: 30, maxAttempts: 2 });
    try {
      await waitFor(
        async () => {
          const rows = await outbox(store);
          return rows.length === 2 && rows.every((r) => r.state !== "pending");
        },
        10_000,
        "both settled",
      );
      const args = (await Deno.readTextFile(`${dir}/args.txt`)).split("\n");
      assertEquals(args.slice(0, 2), ["ops@example.test,+43123", "UNKNOWN: payments (was OK)"]);
      assert((await Deno.readTextFile(`${dir}/mail.txt`)).includes("payments changed from OK to UNKNOWN"));
      const rows = await outbox(store);
      assertEquals(rows.map((r) => r.state), ["sent", "failed"]);
      assertMatch(rows[1]!.last_error ?? "", /gave up after 2 attempts: .*exited with code 3: no modem/);
    } finally {
      await ecomm.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
  ["postgres"],
);
