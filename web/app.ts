/**
 * The Webservice's hono application: health, the JSON API under `/api/` and the client.
 * Handlers throw; errors are mapped to JSON once, in `app.onError`.
 * @module
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { SondeError, ValidationError } from "@sonde/shared/errors";
import { createLogger } from "@sonde/shared/log";
import type { Store } from "@sonde/shared/db";
import type { Backend } from "./backend.ts";
import { authenticate, csrf, type ProxyAuthOptions } from "./auth/middleware.ts";
import { RateLimiter } from "./auth/rate_limit.ts";
import { SessionStore } from "./auth/sessions.ts";
import { UserStore } from "./auth/users.ts";
import type { ApiContext, WebEnv } from "./api/env.ts";
import { authRoutes } from "./api/auth_routes.ts";
import { statusRoutes } from "./api/status_routes.ts";
import { telemetryRoutes } from "./api/telemetry_routes.ts";
import { configRoutes } from "./api/config_routes.ts";
import { recordingRoutes } from "./api/recording_routes.ts";
import { openApiSpec } from "./api/openapi.ts";
import { serveClient } from "./static.ts";
import { ensureClient } from "./build.ts";

/** What the web application needs from the rest of the system. */
export interface WebDeps {
  /** Answers the health check: component name → ok. */
  health: () => Promise<Record<string, unknown>>;
  version: string;
  /** Server and Worker; without it the data routes answer 503. */
  backend?: Backend;
  /** Users and sessions live here; without it every `/api/` route but openapi answers 503. */
  store?: Store;
  /** Built client folder (default `web/client/dist`). */
  clientDir?: string;
  /** Build the client (esbuild, needs --allow-run) before serving it when missing or stale (default true). */
  buildClient?: boolean;
  /** Trusted reverse-proxy header authentication. */
  proxyAuth?: ProxyAuthOptions;
  /** Mark cookies `Secure` (set when serving HTTPS). */
  secureCookies?: boolean;
  /** Session lifetime, sliding (default 7 days). */
  sessionTtlMs?: number;
  /** Login failures per IP or user per window before 429 (default 10 per 15 minutes). */
  loginLimit?: { maxFailures: number; windowMs: number };
}

const log = createLogger("web");

/** Default client folder next to this file. */
export const DEFAULT_CLIENT_DIR = new URL("./client/dist", import.meta.url).pathname;

function unavailable(what: string): never {
  throw new SondeError("unavailable", `Cannot answer: ${what} is not connected to the Webservice`, {
    status: 503,
    retryable: true,
  });
}

/** A Backend whose every call answers 503; used until the Server and Worker are wired. */
export function missingBackend(): Backend {
  return new Proxy({} as Backend, {
    get: (_t, prop) => () => {
      if (prop === "live") return () => {};
      return Promise.reject(
        new SondeError("unavailable", `Cannot ${String(prop)}: no Server/Worker is connected`, {
          status: 503,
        }),
      );
    },
  });
}

/** Builds the Webservice's app. */
export function createWebApp(deps: WebDeps): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    if (err instanceof SondeError) {
      if (err.status >= 500) {
        log.warn("request failed", { path: c.req.path, code: err.code, error: err.message });
      }
      const problems = err instanceof ValidationError ? err.problems : undefined;
      return c.json({ error: err.code, message: err.message, problems }, err.status as 400);
    }
    log.error("request failed", { path: c.req.path, error: err.message });
    return c.json({ error: "internal", message: "Internal error" }, 500);
  });
  app.notFound((c) => c.json({ error: "not_found", message: `No route ${c.req.method} ${c.req.path}` }, 404));
  app.get(
    "/healthz",
    async (c) => c.json({ status: "ok", version: deps.version, components: await deps.health() }),
  );
  app.get("/api/openapi.json", (c) => c.json(openApiSpec(deps.version)));

  const api = new Hono<WebEnv>();
  if (deps.store) {
    const ttl = deps.sessionTtlMs ?? 7 * 86_400_000;
    const ctx: ApiContext = {
      backend: deps.backend ?? missingBackend(),
      users: new UserStore(deps.store.db),
      sessions: new SessionStore(deps.store.db, ttl),
      loginLimiter: new RateLimiter({
        maxFailures: 10,
        windowMs: 15 * 60_000,
        ...deps.loginLimit,
        maxKeys: 10_000,
      }),
      secureCookies: deps.secureCookies ?? false,
      sessionTtlMs: ttl,
    };
    api.use(
      "*",
      bodyLimit({
        maxSize: 2 << 20,
        onError: () => {
          throw new SondeError("too_large", "Cannot take the request: body exceeds 2 MiB", { status: 413 });
        },
      }),
    );
    api.use("*", csrf(ctx.secureCookies));
    api.use("*", authenticate(ctx, deps.proxyAuth));
    api.route("/", authRoutes(ctx));
    api.route("/", statusRoutes(ctx));
    api.route("/", telemetryRoutes(ctx));
    api.route("/", configRoutes(ctx));
    api.route("/", recordingRoutes(ctx));
  } else {
    api.all("*", () => unavailable("the user database"));
  }
  app.route("/api", api as unknown as Hono);
  const dir = deps.clientDir ?? DEFAULT_CLIENT_DIR;
  serveClient(app, dir, deps.buildClient === false ? undefined : () => ensureClient(dir));
  return app;
}

/**
 * Creates the first admin on an empty user table and prints a generated password once to stdout.
 * `SONDE_ADMIN_PASSWORD` (passed as `envPassword`) is used instead when set.
 */
export async function ensureFirstAdmin(store: Store, envPassword?: string): Promise<void> {
  const r = await new UserStore(store.db).ensureFirstAdmin(envPassword);
  if (r.generated) {
    console.log(
      `\nSonde: created the first user "admin" with password\n\n    ${r.generated}\n\n` +
        "It is shown only this once; sign in and change it under Configuration › Users.\n",
    );
  } else if (r.created) log.info("first admin created from SONDE_ADMIN_PASSWORD", { user: "admin" });
}
