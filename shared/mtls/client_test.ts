import tls from "node:tls";
import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { SondeError } from "../errors.ts";
import { logSink } from "../log.ts";
import { ensureServiceIdentity } from "../trust/identity.ts";
import { createMtlsClient } from "./client.ts";

logSink.level = "error";

Deno.test("an unpinned server receives no request byte; the pin sees fingerprint and origin", async () => {
  const etc = await Deno.makeTempDir({ prefix: "sonde_client_" });
  const agent = await ensureServiceIdentity(etc, "agent");
  const server = await ensureServiceIdentity(etc, "server");
  let received = 0;
  const raw = tls.createServer({ key: agent.server.keyPem, cert: agent.server.certPem }, (s) => {
    s.on("data", (d: Uint8Array) => (received += d.byteLength));
    s.on("error", () => {});
  });
  await new Promise<void>((r) => raw.listen(0, "127.0.0.1", () => r()));
  const port = (raw.address() as { port: number }).port;
  const seen: [string, string][] = [];
  const client = createMtlsClient({
    identity: server,
    pin: (fp, origin) => {
      seen.push([fp, origin]);
      return false;
    },
  });
  try {
    const e = await assertRejects(() =>
      client.request(`https://127.0.0.1:${port}/v1/records`, { method: "POST", body: "secret" })
    );
    assert(e instanceof SondeError && e.code === "untrusted_peer", String(e));
    assertEquals(
      e.message,
      `Cannot connect to https://127.0.0.1:${port}: certificate fingerprint ${agent.server.fingerprint} is not trusted`,
    );
    assertEquals(seen, [[agent.server.fingerprint, `https://127.0.0.1:${port}`]]);
    await new Promise((r) => setTimeout(r, 100));
    assertEquals(received, 0, "not a single request byte reached the untrusted server");
    await assertRejects(() => client.request(`http://127.0.0.1:${port}/`), "only https:// URLs");
  } finally {
    client.close();
    await new Promise((r) => raw.close(r));
    await Deno.remove(etc, { recursive: true });
  }
});
