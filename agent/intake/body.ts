/**
 * Reads a request body with a byte limit, inflating `Content-Encoding: gzip` through
 * `DecompressionStream` with the same limit on the inflated size. Problems throw {@linkcode IntakeError}.
 * @module
 */

/** A rejected intake request; `status` is the HTTP status to answer with, `reason` the counter name. */
export class IntakeError extends Error {
  constructor(
    readonly status: number,
    readonly reason: "bad_request" | "too_large" | "unsupported_type" | "unsupported_encoding" | "sink_full",
    message: string,
  ) {
    super(message);
    this.name = "IntakeError";
  }
}

async function readLimited(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  what: string,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        throw new IntakeError(
          413,
          "too_large",
          `Cannot accept body: ${what} is larger than ${maxBytes} bytes`,
        );
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof IntakeError) throw e;
    throw new IntakeError(400, "bad_request", `Cannot read body: ${e instanceof Error ? e.message : e}`);
  } finally {
    reader.cancel().catch(() => {});
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

/** Reads `req`'s body (inflating gzip) of at most `maxBytes` before and after inflation. */
export async function readBody(req: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    throw new IntakeError(
      413,
      "too_large",
      `Cannot accept body: content-length ${declared} is larger than ${maxBytes} bytes`,
    );
  }
  const encoding = (req.headers.get("content-encoding") ?? "identity").toLowerCase().trim();
  if (!req.body) return new Uint8Array(0);
  if (encoding === "identity" || encoding === "") return await readLimited(req.body, maxBytes, "body");
  if (encoding !== "gzip") {
    await req.body.cancel().catch(() => {});
    throw new IntakeError(
      415,
      "unsupported_encoding",
      `Cannot accept content-encoding "${encoding}": only gzip is supported`,
    );
  }
  const raw = await readLimited(req.body, maxBytes, "compressed body");
  const inflated = new Blob([raw as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  return await readLimited(inflated, maxBytes, "inflated body");
}
