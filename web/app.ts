/**
 * The Webservice's hono application: health, the JSON API under `/api/` and the client.
 * @module
 */
import { Hono } from "hono";
import { SondeError } from "@sonde/shared/errors";
import { createLogger } from "@sonde/shared/log";

/** What the web application needs from the rest of the system. */
export interface WebDeps {
  /** Answers the health check: component name → ok. */
  health: () => Promise<Record<string, unknown>>;
  version: string;
}

const log = createLogger("web");

/** Builds the Webservice's app. */
export function createWebApp(deps: WebDeps): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    if (err instanceof SondeError) {
      return c.json({ error: err.code, message: err.message }, err.status as 400);
    }
    log.error("request failed", { path: c.req.path, error: err.message });
    return c.json({ error: "internal", message: "Internal error" }, 500);
  });
  app.get(
    "/healthz",
    async (c) => c.json({ status: "ok", version: deps.version, components: await deps.health() }),
  );
  app.get("/", (c) => c.html("<!doctype html><title>Sonde</title><p>Sonde is running.</p>"));
  return app;
}
