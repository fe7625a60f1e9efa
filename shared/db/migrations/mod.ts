/**
 * Every migration in order. A migration takes `Kysely<any>`, never imports application code, and has
 * a `down`. Add new files here with the next number.
 * @module
 */
import * as m0001 from "./0001_foundation.ts";
import * as m0002 from "./0002_server.ts";
import * as m0003 from "./0003_web.ts";
import * as m0004 from "./0004_telemetry.ts";
import * as m0005 from "./0005_worker.ts";
import * as m0006 from "./0006_ecomm.ts";
import * as m0007 from "./0007_pending_storage.ts";
import * as m0008 from "./0008_search_document.ts";
import * as m0009 from "./0009_pending_lz4.ts";

/** Migrations by name, applied in name order. */
export const migrations = {
  "0001_foundation": m0001,
  "0002_server": m0002,
  "0003_web": m0003,
  "0004_telemetry": m0004,
  "0005_worker": m0005,
  "0006_ecomm": m0006,
  "0007_pending_storage": m0007,
  "0008_search_document": m0008,
  "0009_pending_lz4": m0009,
};
