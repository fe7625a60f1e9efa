/**
 * Serves the Webservice with `Deno.serve`: plain HTTP by default, HTTPS when given a PEM file holding
 * the private key and the certificate (the `srv_certificate.pem` layout of the seed).
 * @module
 */
import type { Hono } from "hono";
import type { Service } from "@sonde/shared/service";
import type { HostPort } from "@sonde/shared/config";
import { ConfigError } from "@sonde/shared/errors";
import { closeLiveStreams } from "./api/telemetry_routes.ts";

/** HTTPS material: one PEM with key and certificate. */
export interface WebTls {
  pemFile: string;
}

/** Splits a PEM bundle into its private key and certificate chain. */
export function splitPem(pem: string, file: string): { key: string; cert: string } {
  const key = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(
    pem,
  )?.[0];
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  const problems = [];
  if (!key) problems.push(`"${file}" holds no private key`);
  if (!certs) problems.push(`"${file}" holds no certificate`);
  if (problems.length) throw new ConfigError(problems);
  return { key: key!, cert: certs!.join("\n") };
}

/** Starts the listener; resolves once it listens. */
export async function serveWeb(
  app: Hono,
  listen: HostPort,
  tls?: WebTls,
): Promise<Service & { port: number }> {
  const material = tls ? splitPem(await Deno.readTextFile(tls.pemFile), tls.pemFile) : undefined;
  return new Promise((resolve, reject) => {
    try {
      const server = Deno.serve({
        hostname: listen.hostname,
        port: listen.port,
        ...material,
        onListen: (addr) =>
          resolve({
            name: "web",
            port: addr.port,
            stop: () => {
              closeLiveStreams();
              return server.shutdown();
            },
          }),
      }, app.fetch);
    } catch (e) {
      reject(e);
    }
  });
}
