/**
 * Reads one request record from a segment file with one positioned read (for the Worker).
 * @module
 */
import { NotFoundError } from "@sonde/shared/errors";
import { decodeRequest, type StoredRequest } from "./segment_format.ts";

const SAFE = /^\d{4}-\d{2}-\d{2}\/segment-\d{6}\.log$/;
const decoder = new TextDecoder();

/**
 * Reads the request stored at `offset`/`length` of `file` (relative to `<dataDir>/telemetry`, as the
 * `request` row holds it).
 * @throws {NotFoundError} when the file is missing (e.g. removed by retention) or the range is past its end.
 * @throws {TypeError} when the path is not a segment path or the record is damaged.
 */
export async function readRequest(
  dataDir: string,
  file: string,
  offset: number,
  length: number,
): Promise<StoredRequest> {
  if (!SAFE.test(file)) throw new TypeError(`Cannot read telemetry record: "${file}" is not a segment path`);
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 2) {
    throw new RangeError(`Cannot read telemetry record: invalid range offset ${offset} length ${length}`);
  }
  let f: Deno.FsFile;
  try {
    f = await Deno.open(`${dataDir}/telemetry/${file}`, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new NotFoundError(`Telemetry file "${file}" does not exist`);
    throw e;
  }
  try {
    await f.seek(offset, Deno.SeekMode.Start);
    const buf = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const n = await f.read(buf.subarray(got));
      if (n === null) {
        throw new NotFoundError(`Telemetry file "${file}" ends before offset ${offset} + length ${length}`);
      }
      got += n;
    }
    return decodeRequest(decoder.decode(buf));
  } finally {
    f.close();
  }
}
