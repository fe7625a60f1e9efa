import { Hono } from "hono";
import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { logSink } from "../log.ts";
import { SondeError } from "../errors.ts";
import { ensureServiceIdentity } from "../trust/identity.ts";
import { addTrustedFingerprint } from "../trust/trust_file.ts";
import { createMtlsClient } from "./client.ts";
import { fileTrustPolicy } from "./file_policy.ts";
import { peerFingerprint, serveMtls } from "./server.ts";

function captureLogs(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const write = logSink.write;
  logSink.write = (l) => lines.push(l);
  return { lines, restore: () => (logSink.write = write) };
}

Deno.test("serveMtls answers trusted callers over a kept-alive connection and refuses others", async () => {
  const etc = await Deno.makeTempDir({ prefix: "sonde_mtls_" });
  const logs = captureLogs();
  const server = await ensureServiceIdentity(etc, "server");
  const worker = await ensureServiceIdentity(etc, "worker");
  const ports = new Set<number>();
  const app = new Hono().get("/v1/who", (c) => {
    const incoming = (c.env as { incoming: { socket: { remotePort: number } } }).incoming;
    ports.add(incoming.socket.remotePort);
    return c.json({ caller: peerFingerprint(c) });
  });
  // the worker trusts the server (written by ensureServiceIdentity("server")); the agent is a stranger
  const srv = await serveMtls(app, {
    listen: { hostname: "127.0.0.1", port: 0 },
    identity: worker,
    trust: fileTrustPolicy(worker.trustFile),
    name: "worker",
  });
  const url = `https://127.0.0.1:${srv.port}/v1/who`;
  const client = createMtlsClient({ identity: server, pin: worker.server.fingerprint });
  try {
    for (let i = 0; i < 5; i++) {
      const res = await client.getJson(url);
      assertEquals(res.value, { caller: server.client.fingerprint });
      assertEquals(res.peerFingerprint, worker.server.fingerprint);
    }
    assertEquals(ports.size, 1, "five requests must share one kept-alive connection");

    const stranger = await ensureServiceIdentity(etc, "agent");
    const strangerClient = createMtlsClient({ identity: stranger, pin: worker.server.fingerprint });
    const refused = await assertRejects(() => strangerClient.request(url));
    assert(refused instanceof SondeError && refused.code === "request_failed", String(refused));
    assert(refused.message.includes(stranger.client.fingerprint), refused.message);
    assert(
      logs.lines.some((l) => l.includes(stranger.client.fingerprint) && l.includes("127.0.0.1")),
      "a log line names the refused fingerprint and the peer",
    );
    assertEquals(srv.stats(), { accepted: 1, refused: 1 });
    // trusting it in the file takes effect on the next connection, no restart
    await addTrustedFingerprint(worker.trustFile, stranger.client.fingerprint);
    assertEquals((await strangerClient.getJson(url)).value, { caller: stranger.client.fingerprint });
    strangerClient.close();

    const wrongPin = createMtlsClient({ identity: server, pin: () => false });
    const e = await assertRejects(() => wrongPin.request(url), "is not trusted");
    assert(e instanceof SondeError && e.code === "untrusted_peer");
    assert(e.message.includes(worker.server.fingerprint), e.message);
    wrongPin.close();
  } finally {
    client.close();
    await srv.stop();
    logs.restore();
    await Deno.remove(etc, { recursive: true });
  }
});

Deno.test("a kept-alive connection closed by the server is replaced transparently", async () => {
  const etc = await Deno.makeTempDir({ prefix: "sonde_mtls_" });
  const level = logSink.level;
  logSink.level = "error";
  const server = await ensureServiceIdentity(etc, "server");
  const worker = await ensureServiceIdentity(etc, "worker");
  const srv = await serveMtls(new Hono().get("/", (c) => c.text("ok")), {
    listen: { hostname: "127.0.0.1", port: 0 },
    identity: worker,
    trust: fileTrustPolicy(worker.trustFile),
    name: "worker",
    keepAliveTimeoutMs: 100,
  });
  const client = createMtlsClient({ identity: server, pin: [worker.server.fingerprint] });
  try {
    for (let i = 0; i < 3; i++) {
      const res = await client.request(`https://127.0.0.1:${srv.port}/`);
      assertEquals(new TextDecoder().decode(res.body), "ok");
      await new Promise((r) => setTimeout(r, 250)); // longer than the server keeps idle connections
    }
    const unreachable = createMtlsClient({ identity: server, pin: [], timeoutMs: 300 });
    await assertRejects(
      () => unreachable.request("https://127.0.0.1:1/"),
      "Cannot connect to https://127.0.0.1:1",
    );
    unreachable.close();
  } finally {
    client.close();
    await srv.stop();
    logSink.level = level;
    await Deno.remove(etc, { recursive: true });
  }
});
