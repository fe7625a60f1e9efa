/**
 * The agent's local status endpoint: plain HTTP, read-only, `GET /status` → {@linkcode AgentStatus}.
 * Meant for 127.0.0.1 (the SNMP agent and operators); it serves counters only, nothing secret.
 * @module
 */
import { Hono } from "hono";
import type { Logger } from "@sonde/shared/log";
import type { Service } from "@sonde/shared/service";
import { errorHandler } from "./errors.ts";
import { agentStatus, type StatusSource } from "./status.ts";

/** Starts the status server on `listen`; port 0 picks a free port. */
export function serveStatus(
  listen: { hostname: string; port: number },
  src: StatusSource,
  log: Logger,
): Service & { port: number } {
  const app = new Hono();
  app.onError(errorHandler(log));
  app.get("/status", (c) => c.json(agentStatus(src)));
  app.notFound((c) => c.json({ error: "not_found", message: `No route ${c.req.method} ${c.req.path}` }, 404));
  if (!/^(127\.|::1$|localhost$)/.test(listen.hostname)) {
    log.warn("status endpoint listens beyond loopback: it has no authentication", {
      hostname: listen.hostname,
    });
  }
  const server = Deno.serve({ ...listen, onListen: () => {} }, app.fetch);
  log.info("status listening", { address: `${listen.hostname}:${server.addr.port}` });
  return { name: "agent/status", port: server.addr.port, stop: () => server.shutdown() };
}
