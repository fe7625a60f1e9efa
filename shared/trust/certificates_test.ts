import { assert, assertEquals, assertMatch } from "../../tests/helpers/assert.ts";
import {
  generateCertificate,
  parseCertificatePem,
  readCertificateFile,
  rsaModulusBits,
} from "./certificates.ts";

async function openssl(args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command("openssl", { args, cwd, stdin: "null" }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`openssl ${args.join(" ")} failed: ${text}`);
  return text;
}

Deno.test("generated certificates are RSA-2048, self-signed, CA:FALSE, and openssl agrees on the fingerprint", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const made = await generateCertificate({ commonName: "sonde test" });
    await Deno.writeTextFile(`${dir}/c.pem`, made.keyPem + made.certPem);
    assertEquals(rsaModulusBits(made.keyPem), 2048);
    const text = await openssl(["x509", "-in", "c.pem", "-noout", "-text"], dir);
    assertMatch(text, /Public-Key: \(2048 bit\)/);
    assertMatch(text, /CA:FALSE/);
    assertMatch(text, /TLS Web Server Authentication, TLS Web Client Authentication/);
    assertMatch(text, /DNS:localhost.*IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1/);
    assertMatch(await openssl(["verify", "-CAfile", "c.pem", "-partial_chain", "c.pem"], dir), /c\.pem: OK/);
    const fp = await openssl(["x509", "-in", "c.pem", "-noout", "-fingerprint", "-sha256"], dir);
    assertEquals(fp.trim(), `sha256 Fingerprint=${made.fingerprint}`);
    assertMatch(await openssl(["rsa", "-in", "c.pem", "-check", "-noout"], dir), /RSA key ok/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PEM files made by openssl are read in either order, PKCS#1 or PKCS#8", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await openssl(["genrsa", "-out", "p8.pem", "2048"], dir);
    await openssl(["genrsa", "-traditional", "-out", "p1.pem", "2048"], dir);
    assertMatch(await Deno.readTextFile(`${dir}/p1.pem`), /BEGIN RSA PRIVATE KEY/);
    for (const key of ["p8.pem", "p1.pem"]) {
      await openssl([
        "req",
        "-new",
        "-x509",
        "-key",
        key,
        "-days",
        "30",
        "-subj",
        "/CN=x",
        "-out",
        `${key}.crt`,
      ], dir);
      const k = await Deno.readTextFile(`${dir}/${key}`);
      const c = await Deno.readTextFile(`${dir}/${key}.crt`);
      const fp = (await openssl(["x509", "-in", `${key}.crt`, "-noout", "-fingerprint", "-sha256"], dir))
        .trim();
      for (const text of [k + c, c + k]) {
        const check = parseCertificatePem(text, key);
        assert(check.ok, JSON.stringify(check));
        assertEquals(`sha256 Fingerprint=${check.material.fingerprint}`, fp);
        assertMatch(check.material.keyPem, /^-----BEGIN PRIVATE KEY-----/);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("missing, garbage, mismatched and expired certificates are invalid with a reason", async () => {
  const a = await generateCertificate({ commonName: "a" });
  const b = await generateCertificate({ commonName: "b", days: 1 });
  const missing = await readCertificateFile("/nonexistent/cli_certificate.pem");
  assert(!missing.ok && missing.reason.includes("does not exist"));
  const garbage = parseCertificatePem("hello", "g.pem");
  assert(!garbage.ok && garbage.reason.includes('no "BEGIN CERTIFICATE"'));
  const noKey = parseCertificatePem(a.certPem, "k.pem");
  assert(!noKey.ok && noKey.reason.includes("no unencrypted private key"));
  const mismatch = parseCertificatePem(a.keyPem + b.certPem, "m.pem");
  assert(
    !mismatch.ok && mismatch.reason.includes("does not match") && mismatch.fingerprint === b.fingerprint,
  );
  assert(parseCertificatePem(b.keyPem + b.certPem, "b.pem").ok);
  const expired = parseCertificatePem(b.keyPem + b.certPem, "b.pem", new Date(Date.now() + 2 * 86_400_000));
  assert(!expired.ok && expired.reason.includes("expired"), JSON.stringify(expired));
});

Deno.test("random and truncated PEM text is reported invalid, never thrown", async () => {
  const made = await generateCertificate({ commonName: "fuzz" });
  const good = made.keyPem + made.certPem;
  for (let i = 0; i < 300; i++) {
    const cut = good.slice(0, Math.floor(Math.random() * good.length));
    const flipped = good.split("");
    const at = 40 + Math.floor(Math.random() * (good.length - 80));
    flipped[at] = String.fromCharCode(33 + Math.floor(Math.random() * 90));
    for (const text of [cut, flipped.join("")]) {
      const check = parseCertificatePem(text, "fuzz.pem");
      if (!check.ok) assert(check.reason.length > 0);
      else assertEquals(check.material.fingerprint.length, 95);
    }
  }
});
