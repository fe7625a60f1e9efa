/**
 * Authentication, CSRF and role middleware of the API.
 *
 * - CSRF: double submit. Every response without a `sonde_csrf` cookie sets one (readable by the page);
 *   every non-GET request must echo it in `x-csrf-token`, so a cross-site form post fails with 403.
 * - Session: `sonde_session` cookie (HttpOnly, SameSite=Strict) resolved through the database.
 * - Proxy: with `proxyHeader` set, the header names the user — honoured only from `trustedProxies`.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { SondeError } from "@sonde/shared/errors";
import { createLogger } from "@sonde/shared/log";
import { randomToken } from "./sessions.ts";
import { type Role, roleAtLeast } from "./users.ts";
import { type ApiContext, remoteAddress, type WebEnv } from "../api/env.ts";

/** Cookie holding the session token. */
export const SESSION_COOKIE = "sonde_session";
/** Cookie holding the CSRF token the page echoes in `x-csrf-token`. */
export const CSRF_COOKIE = "sonde_csrf";
/** Header carrying the CSRF token. */
export const CSRF_HEADER = "x-csrf-token";

const log = createLogger("web/auth");

/** Options of proxy-header authentication. */
export interface ProxyAuthOptions {
  /** Header naming the user, e.g. `X-Remote-User`. */
  header: string;
  /** Peer addresses of the reverse proxies whose header is believed. */
  trustedProxies: string[];
  /** Role given to users the proxy names for the first time. */
  defaultRole: Role;
}

/** Paths that need no login. */
const PUBLIC = new Set(["/api/login", "/api/session", "/api/openapi.json", "/api/telemetry"]);

function safeMethod(method: string): boolean {
  return method === "GET" || method === "HEAD" || method === "OPTIONS";
}

/** Sets the CSRF cookie when missing and refuses non-GET requests whose header does not match it. */
export function csrf(secure: boolean): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const cookie = getCookie(c, CSRF_COOKIE);
    if (!safeMethod(c.req.method) && c.req.path !== "/api/telemetry") {
      const header = c.req.header(CSRF_HEADER);
      if (!cookie || !header || header !== cookie) {
        throw new SondeError(
          "csrf",
          `Cannot ${c.req.method} ${c.req.path}: missing or wrong ${CSRF_HEADER} header (reload the page)`,
          { status: 403 },
        );
      }
    }
    if (!cookie) {
      setCookie(c, CSRF_COOKIE, randomToken(), { path: "/", sameSite: "Strict", secure, httpOnly: false });
    }
    await next();
  };
}

/** Resolves the user from the proxy header or the session cookie; 401 on non-public paths without one. */
export function authenticate(ctx: ApiContext, proxy?: ProxyAuthOptions): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    let user = undefined;
    if (proxy) {
      const name = c.req.header(proxy.header);
      const peer = remoteAddress(c);
      if (name && proxy.trustedProxies.includes(peer)) {
        let found = await ctx.users.byName(name);
        if (!found) {
          found = await ctx.users.create({ name, role: proxy.defaultRole });
          log.info("proxy user created", { user: name, role: proxy.defaultRole });
        }
        if (!found.disabled) user = { id: found.id, name: found.name, role: found.role };
      } else if (name) {
        log.warn("proxy header ignored from untrusted peer", { peer, header: proxy.header });
      }
    }
    const token = getCookie(c, SESSION_COOKIE);
    if (!user && token) user = await ctx.sessions.resolve(token);
    c.set("user", user);
    c.set("token", token);
    if (!user && !PUBLIC.has(c.req.path)) {
      throw new SondeError("unauthenticated", `Cannot ${c.req.method} ${c.req.path}: not signed in`, {
        status: 401,
      });
    }
    await next();
  };
}

/** Requires at least `role`; viewers get 403 on edits. */
export function requireRole(role: Role): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const user = c.get("user");
    if (!user || !roleAtLeast(user.role, role)) {
      throw new SondeError(
        "forbidden",
        `Cannot ${c.req.method} ${c.req.path}: needs role ${role}, ${user?.name ?? "you"} ${
          user ? `has ${user.role}` : "are not signed in"
        }`,
        { status: 403 },
      );
    }
    await next();
  };
}
