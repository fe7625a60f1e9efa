/**
 * Login, logout, the current session and the own password.
 * @module
 */
import { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { SondeError, ValidationError } from "@sonde/shared/errors";
import { createLogger } from "@sonde/shared/log";
import { SESSION_COOKIE } from "../auth/middleware.ts";
import { parseUserInput } from "../auth/users.ts";
import { type ApiContext, remoteAddress, type WebEnv } from "./env.ts";
import { jsonBody } from "./params.ts";

const log = createLogger("web/auth");

function credentials(body: unknown): { name: string; password: string } {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof b.name !== "string" || b.name === "") problems.push("name: must not be empty");
  if (typeof b.password !== "string" || b.password === "") problems.push("password: must not be empty");
  if (problems.length) throw new ValidationError(problems);
  return { name: b.name as string, password: b.password as string };
}

/** Routes under `/api` for signing in and out. */
export function authRoutes(ctx: ApiContext): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  let lastSweep = 0;
  app.get("/session", (c) => c.json({ user: c.get("user") ?? null }));

  app.post("/login", async (c) => {
    const { name, password } = credentials(await jsonBody(c));
    const ip = remoteAddress(c);
    const wait = Math.max(
      ctx.loginLimiter.retryAfterMs(`ip:${ip}`),
      ctx.loginLimiter.retryAfterMs(`user:${name}`),
    );
    if (wait > 0) {
      c.header("Retry-After", String(Math.ceil(wait / 1000)));
      throw new SondeError(
        "rate_limited",
        `Cannot sign in as "${name}": too many failed attempts, try again in ${Math.ceil(wait / 1000)} s`,
        { status: 429, retryable: true },
      );
    }
    const user = await ctx.users.verify(name, password);
    if (!user) {
      ctx.loginLimiter.fail(`ip:${ip}`);
      ctx.loginLimiter.fail(`user:${name}`);
      log.warn("login failed", { user: name, ip });
      throw new SondeError("bad_credentials", "Cannot sign in: wrong user name or password", { status: 401 });
    }
    ctx.loginLimiter.reset(`user:${name}`);
    if (Date.now() - lastSweep > 3_600_000) {
      lastSweep = Date.now();
      const swept = await ctx.sessions.sweep();
      if (swept) log.info("expired sessions deleted", { count: swept });
    }
    const token = await ctx.sessions.create(user.id, ip);
    setCookie(c, SESSION_COOKIE, token, {
      path: "/",
      httpOnly: true,
      sameSite: "Strict",
      secure: ctx.secureCookies,
      maxAge: Math.floor(ctx.sessionTtlMs / 1000),
    });
    log.info("login", { user: name, ip });
    return c.json({ user: { id: user.id, name: user.name, role: user.role } });
  });

  app.post("/logout", async (c) => {
    const token = c.get("token");
    if (token) await ctx.sessions.destroy(token);
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.json({ ok: true });
  });

  app.put("/me/password", async (c) => {
    const user = c.get("user")!;
    const b = (await jsonBody(c)) as Record<string, unknown>;
    const current = typeof b?.current === "string" ? b.current : "";
    if (!(await ctx.users.verify(user.name, current))) {
      throw new ValidationError("current: wrong password");
    }
    const input = parseUserInput({ password: b.password }, false);
    if (!input.password) throw new ValidationError("password: must be 10 to 200 characters");
    await ctx.users.update(user.id, { password: input.password });
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.json({ ok: true });
  });
  return app;
}
