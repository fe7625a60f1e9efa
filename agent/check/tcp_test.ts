import { assert, assertEquals, assertMatch } from "../../tests/helpers/assert.ts";
import { parseAgentConfig, type TcpParams } from "@sonde/shared/wire/agent_config";
import { runCheck } from "./runner.ts";

const ctx = { latest: () => undefined };
const check = (params: Partial<TcpParams>, timeoutMs = 2000) =>
  parseAgentConfig({ checks: [{ id: "tcp", type: "tcp", timeoutMs, params }] }).checks[0]!;

/** A line server: greets with a banner, answers "PING" with "PONG", stays silent on anything else. */
async function withServer(fn: (port: number) => Promise<void>): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const serving = (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      (async () => {
        await conn.write(new TextEncoder().encode("+OK sonde-test ready\r\n"));
        const buf = new Uint8Array(1024);
        const n = await conn.read(buf);
        if (n && new TextDecoder().decode(buf.subarray(0, n)).includes("PING")) {
          await conn.write(new TextEncoder().encode("PONG\r\n"));
          conn.close();
        }
      })().catch(() => {});
    }
  })();
  try {
    await fn((listener.addr as Deno.NetAddr).port);
  } finally {
    listener.close();
    for (const c of conns) {
      try {
        c.close();
      } catch { /* closed by the handler */ }
    }
    await serving.catch(() => {});
  }
}

Deno.test("tcp: connect, send and expect", async () => {
  await withServer(async (port) => {
    const plain = await runCheck(check({ port }), ctx);
    assertEquals(plain.state, "OK", plain.message);
    assertMatch(plain.message, new RegExp(`^TCP 127.0.0.1:${port} answered in \\d+ ms$`));
    const banner = await runCheck(check({ port, expect: "+OK" }), ctx);
    assertEquals(banner.state, "OK", banner.message);
    const pong = await runCheck(check({ port, send: "PING\r\n", expect: "PONG" }), ctx);
    assertEquals(pong.state, "OK", pong.message);
    const wrong = await runCheck(check({ port, send: "PING\r\n", expect: "HELLO" }), ctx);
    assertEquals(wrong.state, "CRITICAL");
    assertMatch(
      wrong.message,
      /^Expected "HELLO" from 127.0.0.1:\d+, got "\+OK sonde-test ready\\r\\nPONG\\r\\n"/,
    );
  });
});

Deno.test("tcp: an expected reply that never comes is CRITICAL at the timeout", async () => {
  await withServer(async (port) => {
    const t0 = performance.now();
    const r = await runCheck(check({ port, send: "HELLO\r\n", expect: "PONG" }, 300), ctx);
    assertEquals(r.state, "CRITICAL");
    assertEquals(r.message, 'tcp check "tcp" timed out after 300 ms');
    assert(performance.now() - t0 < 1000);
  });
});

Deno.test("tcp: refused is CRITICAL with the reason; the warning threshold applies to connect time", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const r = await runCheck(check({ port }), ctx);
  assertEquals(r.state, "CRITICAL");
  assertMatch(r.message, new RegExp(`^Cannot connect to 127.0.0.1:${port}: .*refused`, "i"));
  await withServer(async (p) => {
    const w = await runCheck(check({ port: p, warnMs: "@0:10000" }), ctx);
    assertEquals(w.state, "WARNING");
  });
});
