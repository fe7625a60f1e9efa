/**
 * The one place where errors thrown by the agent's HTTP handlers become responses: domain errors keep
 * their status, shape errors (`RangeError`, `SyntaxError`, `TypeError`) are the caller's fault (400),
 * anything else is logged and answered with 500.
 * @module
 */
import type { Context } from "hono";
import { errorMessage, SondeError, ValidationError } from "@sonde/shared/errors";
import type { Logger } from "@sonde/shared/log";

/** Builds a hono `onError` handler. */
export function errorHandler(log: Logger): (error: Error, c: Context) => Response {
  return (error, c) => {
    if (error instanceof SondeError) {
      const problems = error instanceof ValidationError ? error.problems : undefined;
      const status = error.status as 400;
      return c.json({ error: error.code, message: error.message, problems }, status);
    }
    if (error instanceof RangeError || error instanceof SyntaxError || error instanceof TypeError) {
      return c.json({ error: "invalid_input", message: error.message }, 400);
    }
    log.error("request failed", { path: c.req.path, error: errorMessage(error) });
    return c.json({ error: "internal", message: errorMessage(error) }, 500);
  };
}
