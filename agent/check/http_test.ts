/**
 * HTTP(S) checks against local servers: status, keyword, regex, slow responses, timeouts and the TLS
 * certificate's expiry (a real certificate made by openssl).
 */
import { assert, assertEquals, assertMatch } from "../../tests/helpers/assert.ts";
import https from "node:https";
import { type HttpParams, parseAgentConfig } from "@sonde/shared/wire/agent_config";
import type { CheckSpec } from "@sonde/shared/wire/agent_config";
import { runCheck } from "./runner.ts";
import { opensslCertificate } from "../../tests/helpers/openssl.ts";

const ctx = { latest: () => undefined };

function check(params: Partial<HttpParams> & { url: string }, timeoutMs = 2000): CheckSpec {
  return parseAgentConfig({ checks: [{ id: "web", type: "http", timeoutMs, params }] }).checks[0]!;
}

async function withServer(fn: (base: string) => Promise<void>): Promise<void> {
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/slow") await new Promise((r) => setTimeout(r, 250));
    if (path === "/hang") await new Promise((r) => setTimeout(r, 1000));
    if (path === "/error") return new Response("boom", { status: 503 });
    if (path === "/echo") return new Response(`${req.method} ${await req.text()}`);
    if (path === "/old") return new Response(null, { status: 301, headers: { location: "/moved" } });
    if (path === "/moved") return new Response(null, { status: 302, headers: { location: "/echo" } });
    if (path === "/form") return new Response(null, { status: 303, headers: { location: "echo" } });
    if (path === "/loop") return new Response(null, { status: 307, headers: { location: "/loop" } });
    if (path === "/auth") return new Response(`auth=${req.headers.get("authorization")}`);
    if (path === "/same") return new Response(null, { status: 302, headers: { location: "/auth" } });
    if (path === "/cross") {
      const port = new URL(req.url).port; // 127.0.0.1 → localhost: another origin
      return new Response(null, { status: 302, headers: { location: `http://localhost:${port}/auth` } });
    }
    return new Response("<h1>Welcome to Sonde</h1>");
  });
  await fn(`http://127.0.0.1:${server.addr.port}`);
}

Deno.test("http: status, keyword and regex; failures are CRITICAL with what was wrong", async () => {
  await withServer(async (base) => {
    const ok = await runCheck(check({ url: `${base}/`, keyword: "Welcome", regex: "/sonde/i" }), ctx);
    assertEquals(ok.state, "OK", ok.message);
    assertMatch(ok.message, /^HTTP 200 in \d+ ms, 25 bytes$/);
    assertEquals(ok.perfdata?.[0]?.label, "time");
    const missing = await runCheck(check({ url: `${base}/`, keyword: "Goodbye" }), ctx);
    assertEquals(missing.state, "CRITICAL");
    assertMatch(missing.message, /keyword "Goodbye" not found/);
    const regex = await runCheck(check({ url: `${base}/`, regex: "^<h2>" }), ctx);
    assertEquals(regex.state, "CRITICAL");
    assertMatch(regex.message, /pattern \^<h2> not found/);
    const status = await runCheck(check({ url: `${base}/error` }), ctx);
    assertEquals(status.state, "CRITICAL");
    assertMatch(status.message, /status 503, expected 2xx or 3xx/);
    const expected = await runCheck(check({ url: `${base}/error`, expectStatus: [503] }), ctx);
    assertEquals(expected.state, "OK");
    const post = await runCheck(
      check({ url: `${base}/echo`, method: "post", body: "ping", keyword: "POST ping" }),
      ctx,
    );
    assertEquals(post.state, "OK", post.message);
  });
});

Deno.test("http: a slow response crosses the warning threshold; no answer in time is CRITICAL", async () => {
  await withServer(async (base) => {
    const slow = await runCheck(check({ url: `${base}/slow`, warnMs: "200", critMs: "2000" }), ctx);
    assertEquals(slow.state, "WARNING", slow.message);
    assertMatch(slow.message, /^WARNING: response time \d+ ms/);
    const t0 = performance.now();
    const hung = await runCheck(check({ url: `${base}/hang` }, 300), ctx);
    assertEquals(hung.state, "CRITICAL");
    assertEquals(hung.message, 'http check "web" timed out after 300 ms');
    assert(performance.now() - t0 < 1000, "returned at the timeout");
  });
});

Deno.test("http: a refused connection is CRITICAL with the reason", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const r = await runCheck(check({ url: `http://127.0.0.1:${port}/` }), ctx);
  assertEquals(r.state, "CRITICAL");
  assertMatch(r.message, new RegExp(`Cannot reach http://127.0.0.1:${port}/: .*(refused|ECONNREFUSED)`, "i"));
});

Deno.test("https: days until the certificate expires give WARNING / CRITICAL; untrusted is CRITICAL", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const server = https.createServer(
      await opensslCertificate(dir, 20),
      (_req, res) => res.end("secure hello"),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const url = `https://127.0.0.1:${(server.address() as { port: number }).port}/`;
    try {
      const warn = await runCheck(check({ url, tlsVerify: false, certWarnDays: 30, certCritDays: 7 }), ctx);
      assertEquals(warn.state, "WARNING", warn.message);
      assertMatch(warn.message, /certificate expires in (19|20) days/);
      assert([19, 20].includes(warn.perfdata?.find((p) => p.label === "cert_days")?.value ?? -1));
      const crit = await runCheck(check({ url, tlsVerify: false, certCritDays: 25 }), ctx);
      assertEquals(crit.state, "CRITICAL");
      const fine = await runCheck(check({ url, tlsVerify: false, certWarnDays: 10, keyword: "secure" }), ctx);
      assertEquals(fine.state, "OK", fine.message);
      const verified = await runCheck(check({ url }), ctx);
      assertEquals(verified.state, "CRITICAL");
      assertMatch(verified.message, /^Cannot reach https:.*(self.signed|certificate)/i);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("http: redirects are the answer unless followed; followed ones end at the final page", async () => {
  await withServer(async (base) => {
    const asIs = await runCheck(check({ url: `${base}/old`, keyword: "GET" }), ctx);
    assertEquals(asIs.state, "CRITICAL", "the 301 itself has no keyword");
    assertMatch(asIs.message, /HTTP 301 in/);
    const followed = await runCheck(check({ url: `${base}/old`, keyword: "GET", followRedirects: 5 }), ctx);
    assertEquals(followed.state, "OK", followed.message);
    assertMatch(followed.message, new RegExp(`^HTTP 200 from ${base}/echo after 2 redirects in \\d+ ms`));
    const form = await runCheck(
      check({ url: `${base}/form`, method: "POST", body: "x", keyword: "GET ", followRedirects: 1 }),
      ctx,
    );
    assertEquals(form.state, "OK", "303 continues with GET and no body: " + form.message);
    const loop = await runCheck(check({ url: `${base}/loop`, followRedirects: 3 }), ctx);
    assertEquals(loop.state, "CRITICAL");
    assertMatch(loop.message, /more than 3 redirects/);
    const headers = { authorization: "Bearer s3cret" };
    const same = await runCheck(
      check({ url: `${base}/same`, headers, keyword: "auth=Bearer s3cret", followRedirects: 1 }),
      ctx,
    );
    assertEquals(same.state, "OK", "credentials go along on the same origin: " + same.message);
    const cross = await runCheck(
      check({ url: `${base}/cross`, headers, keyword: "auth=null", followRedirects: 1 }),
      ctx,
    );
    assertEquals(cross.state, "OK", "credentials are not sent to another origin: " + cross.message);
    const short = await runCheck(check({ url: `${base}/old`, followRedirects: 1 }), ctx);
    assertMatch(short.message, /more than 1 redirect \(last to \/echo\)/);
  });
});
