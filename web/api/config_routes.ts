/**
 * Configuration as code (validated by the Server through the Backend) and user management.
 * @module
 */
import { Hono } from "hono";
import { NotFoundError, ValidationError } from "@sonde/shared/errors";
import type { ConfigKind } from "../backend.ts";
import { requireRole } from "../auth/middleware.ts";
import { parseUserInput, type Role } from "../auth/users.ts";
import type { ApiContext, WebEnv } from "./env.ts";
import { intParam, jsonBody } from "./params.ts";

const KINDS: readonly ConfigKind[] = ["agent", "group", "service", "check", "logPool", "settings"];

function kindParam(raw: string): ConfigKind {
  if (!KINDS.includes(raw as ConfigKind)) {
    throw new ValidationError(
      `path parameter "kind": must be one of ${KINDS.join(", ")}: current value is "${raw}"`,
    );
  }
  return raw as ConfigKind;
}

/** Routes under `/api` for configuration (operators edit) and users (admins only). */
export function configRoutes(ctx: ApiContext): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const b = ctx.backend;
  const operator = requireRole("operator");
  const admin = requireRole("admin");

  app.get("/config", async (c) => c.json(await b.getConfig()));
  app.post("/config/import", admin, async (c) => {
    await b.importConfig(await jsonBody(c));
    return c.json({ ok: true });
  });
  app.put(
    "/config/settings",
    admin,
    async (c) => c.json(await b.putConfigObject("settings", null, await jsonBody(c))),
  );
  app.post("/config/:kind", operator, async (c) => {
    const kind = kindParam(c.req.param("kind"));
    return c.json(await b.putConfigObject(kind, null, await jsonBody(c)), 201);
  });
  app.put("/config/:kind/:id", operator, async (c) => {
    const kind = kindParam(c.req.param("kind"));
    return c.json(
      await b.putConfigObject(kind, intParam(c, "id", { path: true, min: 1 }), await jsonBody(c)),
    );
  });
  app.delete("/config/:kind/:id", operator, async (c) => {
    const kind = kindParam(c.req.param("kind"));
    await b.deleteConfigObject(kind, intParam(c, "id", { path: true, min: 1 }));
    return c.json({ ok: true });
  });

  app.get("/users", admin, async (c) => c.json(await ctx.users.list()));
  app.post("/users", admin, async (c) => {
    const input = parseUserInput(await jsonBody(c), true);
    return c.json(await ctx.users.create(input as typeof input & { name: string; role: Role }), 201);
  });
  app.put("/users/:id", admin, async (c) => {
    const id = intParam(c, "id", { path: true, min: 1 });
    const input = parseUserInput(await jsonBody(c), false);
    if (id === c.get("user")?.id && (input.role && input.role !== "admin" || input.disabled)) {
      throw new ValidationError("role: you cannot demote or disable yourself");
    }
    return c.json(await ctx.users.update(id, input));
  });
  app.delete("/users/:id", admin, async (c) => {
    const id = intParam(c, "id", { path: true, min: 1 });
    if (id === c.get("user")?.id) throw new ValidationError("id: you cannot delete yourself");
    if (!(await ctx.users.get(id))) throw new NotFoundError(`Cannot delete user ${id}: no such user`);
    await ctx.users.remove(id);
    return c.json({ ok: true });
  });
  return app;
}
