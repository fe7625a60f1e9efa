/**
 * Request assembly, raw telemetry day files and log pools of the Server.
 * @module
 */
export {
  type Assembler,
  type AssemblerOptions,
  type AssemblerStats,
  createAssembler,
  type FinishedRequest,
} from "./assembler.ts";
export {
  createLogPool,
  loadLogPools,
  type LogPool,
  type LogPoolColumn,
  type LogPoolInput,
  poolTable,
} from "./log_pools.ts";
export { readRequest } from "@sonde/shared/telemetry/segment_reader";
export {
  decodeRequest,
  type RequestStatus,
  type StoredEvent,
  type StoredRequest,
} from "@sonde/shared/telemetry/segment_format";
export type { StagedEvents } from "./pending.ts";
export { applyRetention } from "./retention.ts";
