import { assert, assertEquals, assertRejects } from "../../../tests/helpers/assert.ts";
import { DeliveryError } from "./channel.ts";
import { dotStuff, sendMail } from "./smtp_client.ts";

const mail = { from: "a@example.test", to: ["b@example.test"], data: "Subject: x\n\n.hidden\nbody" };

/**
 * Serves one connection with `script`: the bytes to write before each client line; null closes.
 * With `lastIndex`, the connection is closed right after that step's bytes (a truncated reply).
 */
function serveOnce(
  script: (line: number) => Uint8Array | null,
  lastIndex = Infinity,
): { port: number; done: Promise<void> } {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const done = (async () => {
    const c = await l.accept();
    l.close();
    const buf = new Uint8Array(4096);
    try {
      for (let i = 0;; i++) {
        const out = script(i);
        if (out === null) break;
        await c.write(out);
        if (i >= lastIndex || (await c.read(buf)) === null) break;
      }
    } catch {
      // the client hung up: fine for a fuzz case
    }
    try {
      c.close();
    } catch {
      // closed already
    }
  })();
  return { port: (l.addr as Deno.NetAddr).port, done };
}

const opts = (port: number) => ({ host: "127.0.0.1", port, security: "none" as const, heloName: "t" });

Deno.test("smtp: lines starting with a dot are escaped and line ends become CRLF", () => {
  assertEquals(dotStuff("a\n.b\r\n..c"), "a\r\n..b\r\n...c");
});

Deno.test("smtp: random, truncated and hostile replies end in a DeliveryError, never a hang or crash", async () => {
  const enc = new TextEncoder();
  const good = [
    "220 hi\r\n",
    "250-x\r\n250 8BITMIME\r\n",
    "250 ok\r\n",
    "250 ok\r\n",
    "354 go\r\n",
    "250 ok\r\n",
  ];
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 40; round++) {
    const cut = Math.floor(rnd() * good.length);
    const kind = round % 4;
    const { port, done } = serveOnce((i) => {
      if (i < cut) return enc.encode(good[i]!);
      if (i > cut) return null;
      if (kind === 0) {
        return Uint8Array.from({ length: 1 + Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256));
      }
      if (kind === 1) return enc.encode(good[i]!.slice(0, Math.floor(rnd() * good[i]!.length)));
      if (kind === 2) return enc.encode("5xx not a code\r\n");
      return enc.encode("250-" + "x".repeat(70_000));
    }, cut);
    const e = await assertRejects(() => sendMail(opts(port), mail, AbortSignal.timeout(3000)));
    assert(e instanceof DeliveryError, `round ${round}: ${e.name}: ${e.message}`);
    await done;
  }
});

Deno.test("smtp: 4xx replies are retryable, 5xx are not", async () => {
  const enc = new TextEncoder();
  for (const [code, retryable] of [["451", true], ["550", false]] as const) {
    const { port, done } = serveOnce((i) =>
      i === 0
        ? enc.encode("220 hi\r\n")
        : i === 1
        ? enc.encode("250 x\r\n")
        : i === 2
        ? enc.encode(`${code} no\r\n`)
        : null
    );
    const e = await assertRejects(
      () => sendMail(opts(port), mail, AbortSignal.timeout(3000)),
      `MAIL FROM answered ${code}`,
    );
    assertEquals((e as DeliveryError).retryable, retryable);
    await done;
  }
});
