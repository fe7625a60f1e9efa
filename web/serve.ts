/**
 * Serves the Webservice on plain HTTP (default) with `Deno.serve`.
 * @module
 */
import type { Hono } from "hono";
import type { Service } from "@sonde/shared/service";
import type { HostPort } from "@sonde/shared/config";

/** Starts the HTTP listener; resolves once it listens. */
export function serveWeb(app: Hono, listen: HostPort): Promise<Service & { port: number }> {
  return new Promise((resolve, reject) => {
    try {
      const server = Deno.serve({
        hostname: listen.hostname,
        port: listen.port,
        onListen: (addr) => resolve({ name: "web", port: addr.port, stop: () => server.shutdown() }),
      }, app.fetch);
    } catch (e) {
      reject(e);
    }
  });
}
