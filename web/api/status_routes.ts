/**
 * Status, services, state history, agents and counters (answered by the Server through the Backend).
 * @module
 */
import { Hono } from "hono";
import { ValidationError } from "@sonde/shared/errors";
import { requireRole } from "../auth/middleware.ts";
import type { ApiContext, WebEnv } from "./env.ts";
import { intParam, optionalInt, rangeParams, timeParam } from "./params.ts";

/** Routes under `/api` for the status view, service detail and agents. */
export function statusRoutes(ctx: ApiContext): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const b = ctx.backend;
  app.get("/status", async (c) => c.json(await b.statusTree()));
  app.get("/services/:id", async (c) => c.json(await b.service(intParam(c, "id", { path: true, min: 1 }))));
  app.get("/events", async (c) => {
    const objectId = c.req.query("objectId");
    if (objectId !== undefined && !/^[gs]:\d+$/.test(objectId)) {
      throw new ValidationError(
        `query parameter "objectId": must look like g:12 or s:34: current value is "${objectId}"`,
      );
    }
    const to = c.req.query("to") ? timeParam(c, "to", Date.now()) : undefined;
    const from = c.req.query("from") ? timeParam(c, "from", 0) : undefined;
    return c.json(
      await b.statusEvents({ from, to, objectId, limit: optionalInt(c, "limit", { min: 1, max: 5000 }) }),
    );
  });
  app.get("/agents", async (c) => c.json(await b.agents()));
  app.get(
    "/agents/:id/counters",
    async (c) => c.json(await b.counterKeys(intParam(c, "id", { path: true, min: 1 }))),
  );
  app.get("/agents/:id/series", async (c) => {
    const agentId = intParam(c, "id", { path: true, min: 1 });
    const key = c.req.query("key");
    if (!key) {
      throw new ValidationError(`query parameter "key": is required (a counter key such as cpu.busy_pct)`);
    }
    return c.json(await b.counterSeries({ agentId, key, ...rangeParams(c, 3_600_000) }));
  });
  app.post("/agents/:id/accept-fingerprint", requireRole("operator"), async (c) => {
    await b.acceptAgentFingerprint(intParam(c, "id", { path: true, min: 1 }));
    return c.json({ ok: true });
  });
  return app;
}
