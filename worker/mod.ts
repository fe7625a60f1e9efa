/**
 * The Worker: request research, request detail, statistics, live view, status and counter queries,
 * and recording sessions. `createWorker({ store, dataDir })` for the all-in-one process; `main.ts`
 * serves it over mTLS.
 * @module
 */
export { createWorker, type Worker, type WorkerOptions, type WorkerQueries } from "./worker.ts";
export { LiveHub, type LiveStats } from "./live/live_hub.ts";
