/**
 * Acceptance with real openssl as the peer: a client certificate made with the seed's commands is
 * refused until openssl's fingerprint is put in the callee's trusted_certificates.cfg; clients
 * without a certificate or with a foreign one get no data.
 */
import { Hono } from "hono";
import { assert, assertEquals, assertMatch, assertRejects } from "./helpers/assert.ts";
import { logSink } from "@sonde/shared/log";
import { ensureServiceIdentity, loadIdentityFromPem, readTrustFile } from "@sonde/shared/trust";
import {
  createMtlsClient,
  fileTrustPolicy,
  firstUseTrustPolicy,
  peerFingerprint,
  serveMtls,
} from "@sonde/shared/mtls";
import { createLogger } from "@sonde/shared/log";
import { sClientGet, seedClientCertificate } from "./trust_helpers.ts";

logSink.level = "error";

Deno.test("a seed-made client certificate is refused until its openssl fingerprint is trusted", async () => {
  const etc = await Deno.makeTempDir({ prefix: "sonde_etc_" });
  const work = await Deno.makeTempDir({ prefix: "sonde_openssl_" });
  const worker = await ensureServiceIdentity(etc, "worker");
  const app = new Hono().get("/v1/status", (c) => c.json({ ok: true, caller: peerFingerprint(c) }));
  const srv = await serveMtls(app, {
    listen: { hostname: "127.0.0.1", port: 0 },
    identity: worker,
    trust: fileTrustPolicy(worker.trustFile),
    name: "worker",
  });
  try {
    const printed = await seedClientCertificate(work, "standby");
    assertMatch(printed, /^sha256 Fingerprint=([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const fp = printed.slice("sha256 Fingerprint=".length);
    const cert = `${work}/cli_certificate.pem`;

    assertEquals(await sClientGet(srv.port, "/v1/status", cert), "", "refused before it is trusted");
    const identity = loadIdentityFromPem("server", await Deno.readTextFile(cert));
    assertEquals(identity.client.fingerprint, fp);
    const client = createMtlsClient({ identity, pin: worker.server.fingerprint });
    await assertRejects(() => client.request(`https://127.0.0.1:${srv.port}/v1/status`));

    // the seed's step: the fingerprint value at the beginning of a new line of the callee's file
    await Deno.writeTextFile(worker.trustFile, `${fp}\n`, { append: true });
    const answer = await sClientGet(srv.port, "/v1/status", cert);
    assertMatch(answer, /^HTTP\/1\.1 200/);
    assert(answer.includes(`"caller":"${fp}"`), answer);
    const res = await client.getJson(`https://127.0.0.1:${srv.port}/v1/status`);
    assertEquals(res.value, { ok: true, caller: fp });
    client.close();
  } finally {
    await srv.stop();
    await Deno.remove(etc, { recursive: true });
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("openssl s_client without a client certificate, or with a foreign one, gets no data", async () => {
  const etc = await Deno.makeTempDir({ prefix: "sonde_etc_" });
  const work = await Deno.makeTempDir({ prefix: "sonde_openssl_" });
  const log = createLogger("test");
  const servers: { stop(): Promise<void>; port: number }[] = [];
  try {
    const app = new Hono().get("/v1/status", (c) => c.json({ ok: true }));
    for (const name of ["server", "worker", "ecomm", "agent"] as const) {
      const identity = await ensureServiceIdentity(etc, name);
      // the agent already trusts a server, so first use cannot hand the foreign certificate a seat
      if (name === "agent") await Deno.writeTextFile(identity.trustFile, `${"AB:".repeat(31)}AB\n`);
      const trust = name === "agent"
        ? firstUseTrustPolicy(identity.trustFile, log)
        : fileTrustPolicy(identity.trustFile);
      servers.push(
        await serveMtls(app, { listen: { hostname: "127.0.0.1", port: 0 }, identity, trust, name }),
      );
    }
    await seedClientCertificate(work, "foreign");
    for (const srv of servers) {
      assertEquals(await sClientGet(srv.port, "/v1/status"), "", "no client certificate");
      assertEquals(await sClientGet(srv.port, "/v1/status", `${work}/cli_certificate.pem`), "", "foreign");
    }
    // and the agent's file still lists only what it listed
    assertEquals(await readTrustFile(`${etc}/agent/trusted_certificates.cfg`), [`${"AB:".repeat(31)}AB`]);
    // a trusted caller does get data over the same path, so the refusals above are real refusals
    const ok = await sClientGet(servers[1]!.port, "/v1/status", `${etc}/server/cli_certificate.pem`);
    assertMatch(ok, /^HTTP\/1\.1 200/);
  } finally {
    for (const s of servers) await s.stop();
    await Deno.remove(etc, { recursive: true });
    await Deno.remove(work, { recursive: true });
  }
});
