/**
 * The hono environment shared by the Webservice's routes: the signed-in user and the dependencies.
 * @module
 */
import type { Context } from "hono";
import type { Backend } from "../backend.ts";
import type { SessionUser } from "../auth/sessions.ts";
import type { SessionStore } from "../auth/sessions.ts";
import type { UserStore } from "../auth/users.ts";
import type { RateLimiter } from "../auth/rate_limit.ts";

/** Everything a route may use. */
export interface ApiContext {
  backend: Backend;
  users: UserStore;
  sessions: SessionStore;
  loginLimiter: RateLimiter;
  /** Cookies get `Secure` when served over HTTPS. */
  secureCookies: boolean;
  sessionTtlMs: number;
}

/** hono environment of every API route. */
export interface WebEnv {
  Variables: { user: SessionUser | undefined; token: string | undefined };
}

/** A context of an API route. */
export type WebContext = Context<WebEnv>;

/** The peer address of a request: Deno.serve's `remoteAddr`, or node's socket. */
export function remoteAddress(c: Context): string {
  const env = c.env as
    | { remoteAddr?: { hostname?: string }; incoming?: { socket?: { remoteAddress?: string } } }
    | undefined;
  return env?.remoteAddr?.hostname ?? env?.incoming?.socket?.remoteAddress ?? "unknown";
}
