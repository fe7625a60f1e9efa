/**
 * Sonde telemetry SDK for Deno, Node and browsers: register an application tier, open requests and
 * nested sections, record events with flags, levels and typed parameters, carry a request across
 * processes with W3C `traceparent`, and deliver batches to the local agent without ever blocking or
 * throwing into the application.
 *
 * @example
 * ```ts
 * import { createSonde, Flag } from "@sonde/sdk";
 * const sonde = createSonde({ app: { appName: "shop", appId: "1", appTierName: "web", appTierId: "web-1" } });
 * await sonde.request("GET /checkout", async (req) => {
 *   const res = await fetch("http://api.local/pay", { headers: req.inject() });
 *   if (!res.ok) req.event("payment refused", { flags: Flag.WARNING, params: { status: res.status } });
 * });
 * console.log(sonde.stats());
 * ```
 * @module
 */
export { DEFAULT_AGENT_URL, Flag, Level } from "./constants.ts";
export { createSonde, type RequestOptions, Sonde, type SondeOptions } from "./client.ts";
export { Delivery, type DeliveryOptions, type DeliveryStats, type QueuedEvent } from "./delivery.ts";
export { type EventOptions, Span, type SpanSink } from "./span.ts";
export { int32, int64, type Param, type ParamsInput, str, toParams } from "./params.ts";
export {
  extractTraceparent,
  formatTraceparent,
  type HeaderCarrier,
  injectTraceparent,
  parseTraceparent,
  randomHex,
  type TraceContext,
} from "./traceparent.ts";
export type { AppRegistration, TelemetryEvent } from "@sonde/shared/wire/telemetry";
