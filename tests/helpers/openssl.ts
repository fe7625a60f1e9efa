/** Certificates made by the real openssl, for TLS peers in tests. @module */

/** A self-signed end-entity certificate for 127.0.0.1 / localhost, valid `days`, made by real openssl (files `k.pem`, `c.pem` in `dir`). */
export async function opensslCertificate(dir: string, days = 1): Promise<{ key: string; cert: string }> {
  const out = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${dir}/k.pem`,
      "-out",
      `${dir}/c.pem`,
      "-days",
      String(days),
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-addext",
      "basicConstraints=critical,CA:FALSE",
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`openssl failed: ${new TextDecoder().decode(out.stderr)}`);
  return { key: await Deno.readTextFile(`${dir}/k.pem`), cert: await Deno.readTextFile(`${dir}/c.pem`) };
}
