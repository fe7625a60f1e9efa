/**
 * The SDK demo: a shop with three tiers — web → api → db — as three small HTTP servers, each its own
 * application tier with its own agent URL, passing the request along with `traceparent` over real HTTP.
 * @module
 */
import { createSonde, Flag, Level, type Sonde } from "../mod.ts";

/** Options of {@linkcode startDemo}. */
export interface DemoOptions {
  /** Agent intake URL per tier (web and db can point at two different agents). */
  agents: { web: string; api: string; db: string };
  /** Port of the web tier (0 = any). */
  webPort?: number;
}

/** A running demo. */
export interface Demo {
  /** URL of the web tier: `GET <url>/checkout?user=alice`. */
  url: string;
  tiers: { web: Sonde; api: Sonde; db: Sonde };
  stop(): Promise<void>;
}

function serve(port: number, handler: (req: Request) => Promise<Response>): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, handler);
}

/** Starts the three tiers. */
export function startDemo(options: DemoOptions): Demo {
  const app = (tier: string, agentUrl: string) =>
    createSonde({
      app: { appName: "demo-shop", appId: "1", appTierName: tier, appTierId: `${tier}-1` },
      agentUrl,
      flushIntervalMs: 100,
      module: tier,
    });
  const tiers = {
    web: app("web", options.agents.web),
    api: app("api", options.agents.api),
    db: app("db", options.agents.db),
  };

  const db = serve(0, (req) =>
    tiers.db.request("SELECT order", async (span) => {
      const rows = Number(new URL(req.url).searchParams.get("rows") ?? 3);
      span.event("plan chosen", { level: Level.DETAIL, params: { plan: "index scan" } });
      await new Promise((r) => setTimeout(r, 5));
      span.end({ params: { rows } });
      return Response.json({ rows });
    }, { parent: req }));

  const api = serve(0, (req) =>
    tiers.api.request("POST /api/orders", async (span) => {
      const res = await span.section("query orders", async (q) => {
        const r = await fetch(`http://127.0.0.1:${db.addr.port}/query?rows=4`, { headers: q.inject() });
        return await r.json() as { rows: number };
      }, { module: "dbclient" });
      if (res.rows > 3) span.event("many rows", { flags: Flag.WARNING, params: { rows: res.rows } });
      return Response.json({ ok: true, rows: res.rows });
    }, { parent: req }));

  const web = serve(options.webPort ?? 0, (req) => {
    const user = new URL(req.url).searchParams.get("user") ?? "anonymous";
    return tiers.web.request("GET /checkout", async (span) => {
      const r = await fetch(`http://127.0.0.1:${api.addr.port}/api/orders`, {
        method: "POST",
        headers: span.inject(),
      });
      const body = await r.text();
      return new Response(body, {
        headers: { "content-type": "application/json", traceparent: span.inject().get("traceparent")! },
      });
    }, { params: { user } });
  });

  return {
    url: `http://127.0.0.1:${web.addr.port}`,
    tiers,
    stop: async () => {
      await Promise.all([web.shutdown(), api.shutdown(), db.shutdown()]);
      await Promise.all([tiers.web.close(), tiers.api.close(), tiers.db.close()]);
    },
  };
}
