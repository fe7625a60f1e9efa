/**
 * Serves the built client from `web/client/dist/`: hashed assets with long caching, `index.html` for
 * every other path so deep links work with history routing.
 * @module
 */
import type { Hono } from "hono";
import { errorMessage } from "@sonde/shared/errors";
import { createLogger } from "@sonde/shared/log";

const log = createLogger("web/static");

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".svg": "image/svg+xml",
  ".map": "application/json",
  ".png": "image/png",
};

/**
 * Adds routes serving `dir` to `app` (after the API routes). `prepare` (building the bundle when it is
 * missing or stale) runs once, before the first file is served; a failure is logged and answered 503.
 */
export function serveClient(app: Hono, dir: string, prepare?: () => Promise<void>): void {
  const cache = new Map<string, Uint8Array<ArrayBuffer>>();
  let ready: Promise<void> | undefined;
  const read = async (name: string): Promise<Uint8Array<ArrayBuffer> | undefined> => {
    ready ??= (prepare?.() ?? Promise.resolve()).catch((e) => {
      log.error("cannot build the web client", { error: errorMessage(e) });
    });
    await ready;
    if (cache.has(name)) return cache.get(name);
    try {
      const bytes = await Deno.readFile(`${dir}/${name}`);
      cache.set(name, bytes);
      return bytes;
    } catch {
      return undefined;
    }
  };
  app.get("/assets/:name", async (c) => {
    const name = c.req.param("name");
    if (!/^[\w.-]+$/.test(name)) return c.notFound();
    const bytes = await read(`assets/${name}`);
    if (!bytes) return c.notFound();
    const ext = name.slice(name.lastIndexOf("."));
    return c.body(bytes, 200, {
      "content-type": TYPES[ext] ?? "application/octet-stream",
      "cache-control": "public, max-age=3600",
    });
  });
  app.get("*", async (c) => {
    if (c.req.path.startsWith("/api/")) return c.notFound();
    const html = await read("index.html");
    if (!html) {
      return c.text(
        "The web client is not built and could not be built here (esbuild needs --allow-run): run deno run -A web/build.ts",
        503,
      );
    }
    return c.body(html, 200, {
      "content-type": TYPES[".html"]!,
      "cache-control": "no-cache",
      "content-security-policy":
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'",
      "x-content-type-options": "nosniff",
      "referrer-policy": "same-origin",
    });
  });
}
