/**
 * The OpenAPI 3.1 description of the JSON API, served at `GET /api/openapi.json`. Hand-written from a
 * table: one line per operation.
 * @module
 */

type Op = [
  method: string,
  path: string,
  summary: string,
  role: "public" | "viewer" | "operator" | "admin",
  params?: string[],
];

const OPS: Op[] = [
  ["get", "/api/session", "The signed-in user, or null; sets the CSRF cookie", "public"],
  ["post", "/api/login", "Sign in with {name, password}; sets the session cookie", "public"],
  ["post", "/api/logout", "Sign out", "viewer"],
  ["put", "/api/me/password", "Change the own password: {current, password}", "viewer"],
  ["get", "/api/status", "The status tree of service groups and services", "viewer"],
  ["get", "/api/services/{id}", "A service with its checks and state history", "viewer", ["id"]],
  ["get", "/api/events", "State changes", "viewer", ["from", "to", "objectId", "limit"]],
  ["get", "/api/agents", "Agents with reachability, buffer lag, version and fingerprint", "viewer"],
  ["get", "/api/agents/{id}/counters", "Counter keys an agent reports", "viewer", ["id"]],
  ["get", "/api/agents/{id}/series", "Values of one counter", "viewer", ["id", "key", "from", "to"]],
  ["post", "/api/agents/{id}/accept-fingerprint", "Accept an agent's changed certificate", "operator", [
    "id",
  ]],
  ["get", "/api/config", "The whole configuration as code", "viewer"],
  ["post", "/api/config/import", "Replace the configuration with a document", "admin"],
  ["put", "/api/config/settings", "Server settings: name, URL, time zone, retention", "admin"],
  ["post", "/api/config/{kind}", "Create an agent, group, service, check or log pool", "operator", ["kind"]],
  ["put", "/api/config/{kind}/{id}", "Replace a configuration object", "operator", ["kind", "id"]],
  ["delete", "/api/config/{kind}/{id}", "Delete a configuration object", "operator", ["kind", "id"]],
  ["get", "/api/pools", "Log pools with their columns", "viewer"],
  [
    "get",
    "/api/pools/{pool}/requests",
    "Requests of a pool, filtered and searched; col.<name>=value filters a column",
    "viewer",
    [
      "pool",
      "from",
      "to",
      "q",
      "status",
      "minDurationUs",
      "agent",
      "app",
      "sort",
      "cursor",
      "limit",
    ],
  ],
  ["get", "/api/pools/{pool}/requests/{rid}", "One request with its events and span tree", "viewer", [
    "pool",
    "rid",
  ]],
  ["get", "/api/pools/{pool}/statistics", "Count, error rate and percentiles per time bucket", "viewer", [
    "pool",
    "from",
    "to",
    "bucketMs",
    "groupBy",
  ]],
  ["get", "/api/live", "Server-sent events: `requests` events with arrays of new request rows", "viewer", [
    "pool",
  ]],
  ["post", "/api/telemetry", "Browser telemetry (SDK batch, application/json, at most 1 MiB)", "public"],
  ["get", "/api/recordings", "Recording sessions, newest first", "viewer"],
  [
    "post",
    "/api/recordings",
    "Start a recording: {appName?, filter?, level, description?, durationMs?}",
    "operator",
  ],
  ["post", "/api/recordings/{id}/stop", "Stop a recording", "operator", ["id"]],
  ["get", "/api/recordings/{id}/export", "A recording as JSON lines (download)", "viewer", ["id"]],
  ["post", "/api/recordings/import", "Import an exported recording (JSON lines body)", "operator"],
  ["get", "/api/recordings/{id}/requests", "Requests of a recording", "viewer", ["id", "cursor", "limit"]],
  ["get", "/api/recordings/{id}/requests/{rid}", "One recorded request", "viewer", ["id", "rid"]],
  ["get", "/api/users", "Users", "admin"],
  ["post", "/api/users", "Create a user: {name, role, password}", "admin"],
  ["put", "/api/users/{id}", "Change a user: {name?, role?, password?, disabled?}", "admin", ["id"]],
  ["delete", "/api/users/{id}", "Delete a user", "admin", ["id"]],
  ["get", "/api/openapi.json", "This document", "public"],
];

const PATH_PARAMS = new Set(["id", "kind", "pool", "rid"]);
const INT_PARAMS = new Set(["id", "pool", "limit", "minDurationUs", "bucketMs"]);

/** Builds the OpenAPI document. */
export function openApiSpec(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [method, path, summary, role, params = []] of OPS) {
    const responses: Record<string, unknown> = {
      "200": { description: "OK", content: { "application/json": {} } },
      "400": { $ref: "#/components/responses/Error" },
    };
    if (role !== "public") responses["401"] = { $ref: "#/components/responses/Error" };
    if (role === "operator" || role === "admin") responses["403"] = { $ref: "#/components/responses/Error" };
    (paths[path] ??= {})[method] = {
      summary,
      description: `Role: ${role}.${
        method !== "get" ? " Needs the x-csrf-token header (except /api/telemetry)." : ""
      }`,
      security: role === "public" ? [] : [{ session: [] }, { proxy: [] }],
      parameters: params.map((name) => ({
        name,
        in: PATH_PARAMS.has(name) ? "path" : "query",
        required: PATH_PARAMS.has(name) || name === "key",
        schema: { type: INT_PARAMS.has(name) ? "integer" : "string" },
      })),
      ...(method === "post" || method === "put"
        ? { requestBody: { content: { "application/json": {} } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Sonde Webservice API", version },
    paths,
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "sonde_session" },
        proxy: { type: "apiKey", in: "header", name: "X-Remote-User" },
      },
      responses: {
        Error: {
          description: "Error: {error: code, message, problems?}",
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  error: { type: "string" },
                  message: { type: "string" },
                  problems: { type: "array", items: { type: "string" } },
                },
              },
            },
          },
        },
      },
    },
  };
}
