/**
 * Agent trust on first use, end to end with a real agent process: server A is trusted and written to
 * the agent's file, server B refused (and named in the agent's log), a standby holding a copy of A's
 * client certificate accepted; after the trust file is deleted and the agent restarted, B is trusted.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "./helpers/assert.ts";
import { logSink } from "@sonde/shared/log";
import { ensureServiceIdentity, readTrustFile, type ServiceIdentity } from "@sonde/shared/trust";
import { createMtlsClient } from "@sonde/shared/mtls";
import { eventually, startChild } from "./trust_helpers.ts";

logSink.level = "error";

/** A server's client that pins the agent's server certificate on first contact (as known_hosts). */
function serverClient(identity: ServiceIdentity, pins: Map<string, string>) {
  return createMtlsClient({
    identity,
    pin: (fp, origin) => {
      const known = pins.get(origin);
      if (known === undefined) pins.set(origin, fp);
      return known === undefined || known === fp;
    },
  });
}

Deno.test("agent trusts the first server, refuses others, accepts a standby copy, and can be reset", async () => {
  const root = await Deno.makeTempDir({ prefix: "sonde_tofu_" });
  const [etcAgent, etcA, etcB, etcStandby] = ["agent", "a", "b", "standby"].map((n) => `${root}/${n}`);
  const a = await ensureServiceIdentity(etcA!, "server");
  const b = await ensureServiceIdentity(etcB!, "server");
  await Deno.mkdir(`${etcStandby}/server`, { recursive: true });
  await Deno.copyFile(`${etcA}/server/cli_certificate.pem`, `${etcStandby}/server/cli_certificate.pem`);
  const standby = await ensureServiceIdentity(etcStandby!, "server");
  assertEquals(standby.client.fingerprint, a.client.fingerprint);
  assert(standby.server.fingerprint !== a.server.fingerprint, "the standby keeps its own server certificate");

  const pins = new Map<string, string>();
  const clients = [a, b, standby].map((id) => serverClient(id, pins));
  const [clientA, clientB, clientStandby] = clients;
  let agent = await startChild("./fixtures/tofu_agent.ts", ["--etc", etcAgent!]);
  const trustFile = `${etcAgent}/agent/trusted_certificates.cfg`;
  try {
    const url = `https://127.0.0.1:${agent.first.listening}/v1/status`;
    const first = await clientA!.getJson(url);
    assertEquals(first.value, { ok: true, caller: a.client.fingerprint });
    assertEquals(first.peerFingerprint, agent.first.fingerprint, "the server pinned the agent's certificate");
    assertEquals(await readTrustFile(trustFile), [a.client.fingerprint]);
    assertMatch(await Deno.readTextFile(trustFile), /^# trusted on first use \S+ from 127\.0\.0\.1:\d+\n/);

    await assertRejects(() => clientB!.request(url));
    assert(
      await eventually(() => agent.stderr().includes(b.client.fingerprint)),
      `the agent's log names the refused fingerprint: ${agent.stderr()}`,
    );
    assertEquals((await clientStandby!.getJson(url)).value, { ok: true, caller: a.client.fingerprint });
    assertEquals(await readTrustFile(trustFile), [a.client.fingerprint], "B did not get in");

    // operator resets the agent's trust and restarts it: the next server (B) is trusted on first use
    await agent.stop();
    await Deno.remove(trustFile);
    agent = await startChild("./fixtures/tofu_agent.ts", ["--etc", etcAgent!, "--listen", `127.0.0.1:0`]);
    const url2 = `https://127.0.0.1:${agent.first.listening}/v1/status`;
    assertEquals((await clientB!.getJson(url2)).value, { ok: true, caller: b.client.fingerprint });
    await assertRejects(() => clientA!.request(url2));
    assertEquals(await readTrustFile(trustFile), [b.client.fingerprint]);
  } finally {
    for (const c of clients) c.close();
    await agent.stop();
    await Deno.remove(root, { recursive: true });
  }
});
