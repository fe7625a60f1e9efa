/**
 * Test helper: a cookie-keeping client for the Webservice's hono app (in process) or a URL.
 * @module
 */
import type { Hono } from "hono";

/** A browser-like client: keeps cookies, sends the CSRF header on writes (unless told not to). */
export class WebSession {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: Hono, private readonly peer = "127.0.0.1") {}

  /** Sends a request; `csrf: false` leaves the header out; `json` sets a JSON body. */
  async fetch(
    path: string,
    init: RequestInit & { json?: unknown; csrf?: boolean } = {},
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    if (init.json !== undefined) headers.set("content-type", "application/json");
    if (init.csrf !== false && this.cookies.has("sonde_csrf")) {
      headers.set("x-csrf-token", this.cookies.get("sonde_csrf")!);
    }
    const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
    const res = await this.app.request(path, { ...init, headers, body }, {
      remoteAddr: { hostname: this.peer },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [k, v] = pair!.split("=");
      if (/max-age=0/i.test(c)) this.cookies.delete(k!);
      else this.cookies.set(k!, v ?? "");
    }
    return res;
  }

  /** GET /api/session (sets the CSRF cookie), then POST /api/login. */
  async login(name: string, password: string): Promise<Response> {
    await this.fetch("/api/session");
    return await this.fetch("/api/login", { method: "POST", json: { name, password } });
  }
}
