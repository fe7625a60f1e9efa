/**
 * The one interface where the Webservice meets the Server and the Worker. The types live in
 * `shared/wire/api.ts` so those services implement them without importing `web/`.
 * @module
 */
export type * from "@sonde/shared/api";
