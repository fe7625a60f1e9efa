/**
 * Self-signed RSA-2048 certificates for Sonde services (Web Crypto + @peculiar/x509), and the PEM
 * files that hold a private key and its certificate together, as the seed's
 * `cat key.pem certificate.pem > cli_certificate.pem` builds them.
 *
 * Reading accepts the key and the certificate in either order, PKCS#1 (`BEGIN RSA PRIVATE KEY`) or
 * PKCS#8 (`BEGIN PRIVATE KEY`). A file that is missing, unreadable, whose key does not match its
 * certificate, or whose certificate has expired is reported invalid with the reason.
 *
 * @example
 * ```ts
 * import { generateCertificate, readCertificateFile } from "@sonde/shared/trust";
 * const made = await generateCertificate({ commonName: "sonde server client" });
 * await Deno.writeTextFile("cli_certificate.pem", made.keyPem + made.certPem);
 * const check = await readCertificateFile("cli_certificate.pem"); // { ok: true, material: {...} }
 * ```
 * @module
 */
import * as x509 from "@peculiar/x509";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { errorMessage } from "../errors.ts";
import { fingerprintOfDer } from "./fingerprint.ts";

x509.cryptoProvider.set(globalThis.crypto);

/** A private key with its certificate, both PEM, and the certificate's SHA-256 fingerprint. */
export interface CertificateMaterial {
  /** The certificate, PEM. */
  certPem: string;
  /** The private key, PKCS#8 PEM (whatever form the file held). */
  keyPem: string;
  /** SHA-256 of the certificate DER, `AB:CD:…`. */
  fingerprint: string;
}

/** Result of checking a certificate file. */
export type CertificateCheck =
  | { ok: true; material: CertificateMaterial; notAfter: Date }
  | { ok: false; reason: string; fingerprint?: string; missing?: boolean };

/** Options of {@linkcode generateCertificate}. */
export interface CertificateOptions {
  /** Subject CN. */
  commonName: string;
  /** DNS names for the SAN; default: `Deno.hostname()` (when allowed) and `localhost`. */
  dnsNames?: string[];
  /** IP addresses for the SAN; default `127.0.0.1` and `::1`. */
  ipAddresses?: string[];
  /** Validity in days; default 3650. */
  days?: number;
}

const RSA = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

/** The host name for certificates, or `undefined` without `--allow-sys=hostname`. */
export function hostName(): string | undefined {
  try {
    return Deno.hostname();
  } catch {
    return undefined;
  }
}

/**
 * Creates an RSA-2048 key and a self-signed certificate: CA:FALSE, SAN (host name, localhost,
 * 127.0.0.1, ::1), key usage digitalSignature + keyEncipherment, EKU serverAuth + clientAuth.
 */
export async function generateCertificate(opts: CertificateOptions): Promise<CertificateMaterial> {
  const keys = await crypto.subtle.generateKey(RSA, true, ["sign", "verify"]) as CryptoKeyPair;
  const host = hostName();
  const dns = opts.dnsNames ?? [...new Set([...(host ? [host] : []), "localhost"])];
  const ips = opts.ipAddresses ?? ["127.0.0.1", "::1"];
  const serial = crypto.getRandomValues(new Uint8Array(16));
  serial[0] = serial[0]! & 0x7f | 0x01;
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + (opts.days ?? 3650) * 86_400_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Array.from(serial, (b) => b.toString(16).padStart(2, "0")).join(""),
    name: `CN=${opts.commonName.replace(/[,+="<>#;\\]/g, " ")}, O=Sonde`,
    notBefore,
    notAfter,
    signingAlgorithm: RSA,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.serverAuth,
        x509.ExtendedKeyUsage.clientAuth,
      ]),
      new x509.SubjectAlternativeNameExtension([
        ...dns.map((value) => ({ type: "dns" as const, value })),
        ...ips.map((value) => ({ type: "ip" as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", keys.privateKey);
  return {
    certPem: cert.toString("pem") + "\n",
    keyPem: x509.PemConverter.encode(pkcs8, "PRIVATE KEY") + "\n",
    fingerprint: fingerprintOfDer(new Uint8Array(cert.rawData)),
  };
}

interface PemBlock {
  label: string;
  text: string;
}

function pemBlocks(text: string): PemBlock[] {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
  return Array.from(text.matchAll(re), (m) => ({ label: m[1]!, text: m[0] }));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Parses PEM text holding a private key and a certificate (either order, PKCS#1 or PKCS#8). `source`
 * names the text in error messages. Checks that the key matches the certificate and that the
 * certificate has not expired at `now`.
 */
export function parseCertificatePem(text: string, source: string, now = new Date()): CertificateCheck {
  try {
    return inspectPem(text, source, now);
  } catch (e) {
    // a damaged certificate can parse at first and fail when a field is decoded
    return { ok: false, reason: `${source}: cannot parse: ${errorMessage(e)}` };
  }
}

function inspectPem(text: string, source: string, now: Date): CertificateCheck {
  const blocks = pemBlocks(text);
  const certBlock = blocks.find((b) => b.label === "CERTIFICATE");
  if (!certBlock) return { ok: false, reason: `${source} holds no "BEGIN CERTIFICATE" block` };
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(certBlock.text);
  } catch (e) {
    return { ok: false, reason: `${source}: cannot parse the certificate: ${errorMessage(e)}` };
  }
  const fingerprint = fingerprintOfDer(new Uint8Array(cert.rawData));
  const keyBlock = blocks.find((b) => b.label === "PRIVATE KEY" || b.label === "RSA PRIVATE KEY");
  if (!keyBlock) {
    const labels = blocks.map((b) => b.label).join(", ");
    return {
      ok: false,
      fingerprint,
      reason:
        `${source} holds no unencrypted private key ("BEGIN PRIVATE KEY" or "BEGIN RSA PRIVATE KEY"); ` +
        `blocks found: ${labels}`,
    };
  }
  let keyPem: string;
  let spki: Uint8Array;
  try {
    const key = createPrivateKey(keyBlock.text);
    keyPem = key.export({ type: "pkcs8", format: "pem" }).toString();
    spki = new Uint8Array(createPublicKey(key).export({ type: "spki", format: "der" }));
  } catch (e) {
    return { ok: false, fingerprint, reason: `${source}: cannot read the private key: ${errorMessage(e)}` };
  }
  if (!sameBytes(spki, new Uint8Array(cert.publicKey.rawData))) {
    return { ok: false, fingerprint, reason: `${source}: the private key does not match the certificate` };
  }
  if (cert.notAfter.getTime() <= now.getTime()) {
    return {
      ok: false,
      fingerprint,
      reason: `${source}: the certificate expired on ${cert.notAfter.toISOString()}`,
    };
  }
  return {
    ok: true,
    material: { certPem: certBlock.text + "\n", keyPem, fingerprint },
    notAfter: cert.notAfter,
  };
}

/** Reads and checks a certificate file; see {@linkcode parseCertificatePem}. */
export async function readCertificateFile(path: string, now = new Date()): Promise<CertificateCheck> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return { ok: false, reason: `"${path}" does not exist`, missing: true };
    }
    return { ok: false, reason: `cannot read "${path}": ${errorMessage(e)}` };
  }
  return parseCertificatePem(text, `"${path}"`, now);
}

/** The bit length of the RSA key in PEM text, or `undefined` for another key type. */
export function rsaModulusBits(keyPem: string): number | undefined {
  const details = createPrivateKey(keyPem).asymmetricKeyDetails;
  return details?.modulusLength;
}
