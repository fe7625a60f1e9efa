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
export { readRequest } from "./segment_reader.ts";
export { decodeRequest, type RequestStatus, type StoredEvent, type StoredRequest } from "./segment_format.ts";
export type { StagedEvents } from "./pending.ts";
export { applyRetention } from "./retention.ts";
