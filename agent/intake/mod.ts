/**
 * Local telemetry intake of the agent (SDK protocol and OTLP/HTTP traces).
 * @module
 */
export { type EventSink, type Intake, type IntakeOptions, type IntakeStats, startIntake } from "./intake.ts";
export { decodeTraceRequest } from "./otlp_proto.ts";
export { parseTraceRequestJson } from "./otlp_json.ts";
export { appFromResource, spansToEvents } from "./otlp_events.ts";
