/**
 * mTLS figures: new handshakes per second (a fresh `node:tls` connection with a client certificate
 * each time, to a `serveMtls` server that checks the fingerprint against its trust file), and
 * requests per second over one kept-alive mTLS connection (`createMtlsClient`). The server runs in a
 * child process so client and server do not share one event loop. Median of 3 runs of 2 s each.
 *
 *   deno run -A bench/mtls_bench.ts
 */
import tls from "node:tls";
import { Hono } from "hono";
import { logSink } from "@sonde/shared/log";
import { ensureServiceIdentity } from "@sonde/shared/trust";
import { createMtlsClient, fileTrustPolicy, serveMtls } from "@sonde/shared/mtls";
import { median, report } from "./median.ts";

const RUNS = 3;
const RUN_MS = 2000;
const PARALLEL = 4;
logSink.level = "error";

if (Deno.args[0] === "--serve") {
  const worker = await ensureServiceIdentity(Deno.args[1]!, "worker");
  const app = new Hono().get("/v1/status", (c) => c.json({ ok: true }));
  const srv = await serveMtls(app, {
    listen: { hostname: "127.0.0.1", port: 0 },
    identity: worker,
    trust: fileTrustPolicy(worker.trustFile),
    name: "bench",
  });
  console.log(JSON.stringify({ port: srv.port, fingerprint: worker.server.fingerprint }));
  await new Promise(() => {});
}

const etc = await Deno.makeTempDir({ prefix: "sonde_mtls_bench_" });
const caller = await ensureServiceIdentity(etc, "server"); // the worker trusts the server's client certificate
const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", new URL(import.meta.url).pathname, "--serve", etc],
  stdout: "piped",
  stdin: "null",
}).spawn();
const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
let line = "";
while (!line.includes("\n")) line += (await reader.read()).value ?? "";
const { port, fingerprint } = JSON.parse(line) as { port: number; fingerprint: string };

function handshake(): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({
      host: "127.0.0.1",
      port,
      cert: caller.client.certPem,
      key: caller.client.keyPem,
      rejectUnauthorized: false,
    });
    s.once("secureConnect", () => {
      const ok = s.getPeerCertificate().fingerprint256 === fingerprint;
      s.destroy();
      ok ? resolve() : reject(new Error("server fingerprint mismatch"));
    });
    s.once("error", reject);
  });
}

async function handshakesPerSecond(): Promise<number> {
  let n = 0;
  const end = performance.now() + RUN_MS;
  const start = performance.now();
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (performance.now() < end) {
      await handshake();
      n++;
    }
  }));
  return n / ((performance.now() - start) / 1000);
}

async function requestsPerSecond(): Promise<number> {
  const client = createMtlsClient({ identity: caller, pin: fingerprint, maxSocketsPerOrigin: 1 });
  const url = `https://127.0.0.1:${port}/v1/status`;
  await client.request(url); // connect outside the timed part
  let n = 0;
  const start = performance.now();
  const end = start + RUN_MS;
  while (performance.now() < end) {
    const res = await client.request(url);
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    n++;
  }
  const rate = n / ((performance.now() - start) / 1000);
  client.close();
  return rate;
}

try {
  const hs: number[] = [];
  const rq: number[] = [];
  for (let i = 0; i < RUNS; i++) hs.push(await handshakesPerSecond());
  for (let i = 0; i < RUNS; i++) rq.push(await requestsPerSecond());
  console.error(
    `handshakes/s runs: ${hs.map(Math.round).join(", ")}; requests/s runs: ${rq.map(Math.round).join(", ")}`,
  );
  report("mtls_handshakes_per_s", median(hs), "handshakes/s");
  report("mtls_requests_per_s", median(rq), "requests/s");
} finally {
  child.kill("SIGTERM");
  await child.status;
  await reader.cancel().catch(() => {});
  await Deno.remove(etc, { recursive: true });
}
