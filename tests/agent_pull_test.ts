/**
 * End to end over real processes and real mTLS: a server identity pulls a real agent process in order,
 * acknowledges, pulls again (nothing repeated, nothing skipped); a configuration pushed through
 * `PUT /v1/config` changes what is collected without a restart and survives one.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "./helpers/assert.ts";
import { createMtlsClient, type MtlsClient } from "@sonde/shared/mtls";
import { ensureServiceIdentity } from "@sonde/shared/trust";
import { decodeRecords } from "@sonde/shared/wire/record_codec";
import { RecordKind } from "@sonde/shared/wire/types";
import type { AgentStatus } from "../agent/serve/status.ts";
import type { ConfigEnvelope } from "../agent/serve/config_store.ts";
import { agentArgs, startAgentProcess } from "./agent_process.ts";

const dec = new TextDecoder();

interface Pulled {
  seq: number;
  kind: number;
  value: Record<string, unknown>;
}

/** A minimal server-side puller that checks the sequence as it goes. */
class Puller {
  after = 0;
  seen: Pulled[] = [];
  constructor(readonly client: MtlsClient, public base: string) {}

  async pullOnce(maxBytes: number): Promise<number> {
    const res = await this.client.request(`${this.base}/v1/records?after=${this.after}&maxBytes=${maxBytes}`);
    assertEquals(res.status, 200);
    assertEquals(res.headers["content-type"], "application/octet-stream");
    const records = decodeRecords(res.body);
    for (const r of records) {
      assertEquals(r.seq, this.after + 1, "nothing repeated, nothing skipped");
      this.after = r.seq;
      this.seen.push({ seq: r.seq, kind: r.kind, value: JSON.parse(dec.decode(r.payload)) });
    }
    assertEquals(Number(res.headers["x-sonde-last-seq"]), this.after);
    return records.length;
  }

  async drain(maxBytes = 700): Promise<void> {
    while (await this.pullOnce(maxBytes) > 0) { /* next page */ }
  }

  async until(what: string, pred: (p: Pulled) => boolean, timeoutMs = 15_000): Promise<Pulled> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const from = this.seen.length;
      await this.drain();
      const hit = this.seen.slice(from).find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const probeCheck = {
  id: "probe",
  type: "command",
  intervalMs: 1000,
  timeoutMs: 5000,
  params: { command: ["/bin/echo", "OK - probe answered|probe_v=7;;;;"] },
};
const counters = { defaults: true, intervalMs: 1000 };

Deno.test("a server pulls, acks and configures a real agent over mTLS", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "agent_pull_" });
  const etc = `${tmp}/etc`;
  const data = `${tmp}/data`;
  let agent = await startAgentProcess(etc, data);
  const server = await ensureServiceIdentity(etc, "server");
  const agentIdentity = await ensureServiceIdentity(etc, "agent");
  const client = createMtlsClient({
    identity: server,
    pin: agentIdentity.server.fingerprint,
    maxSocketsPerOrigin: 1,
  });
  const intruder = createMtlsClient({
    identity: await ensureServiceIdentity(etc, "worker"),
    pin: () => true,
  });
  try {
    const puller = new Puller(client, `https://127.0.0.1:${agent.pullPort}`);
    const v1 = await client.request(`${puller.base}/v1/config`, {
      method: "PUT",
      body: JSON.stringify({ version: 1, config: { counters, checks: [] } }),
    });
    assertEquals(JSON.parse(dec.decode(v1.body)), { applied: true, version: 1 });

    // the first server is trusted on first use; any other client certificate is refused from now on
    await assertRejects(() => intruder.request(`${puller.base}/v1/status`));
    const trustFile = await Deno.readTextFile(`${etc}/agent/trusted_certificates.cfg`);
    assert(trustFile.includes(server.client.fingerprint), "the server's fingerprint was written");

    // a second agent on the same data folder would hand out the same sequence numbers: it must not start
    const second = await new Deno.Command(Deno.execPath(), {
      args: agentArgs(etc, data),
      stdout: "null",
      stderr: "piped",
      stdin: "null",
    }).output();
    assert(!second.success, "the second agent exits with an error");
    assertMatch(dec.decode(second.stderr), new RegExp(`another process \\(pid ${agent.pid}\\) has it open`));

    await puller.until("counter samples", (p) => p.kind === RecordKind.Samples);
    await puller.until("more samples", (p) => p.kind === RecordKind.Samples && p.seq > 5);
    assertEquals(puller.seen[0]!.seq, 1);
    assertEquals(puller.seen[0]!.kind, RecordKind.Notice);
    assert(!puller.seen.some((p) => p.kind === RecordKind.Check), "no checks configured yet");

    const acked = puller.after;
    const ack = await client.sendJson(`${puller.base}/v1/ack`, { seq: acked });
    assertEquals(ack.value, { ackedSeq: acked });
    await puller.until("samples after the ack", (p) => p.seq > acked);

    const bad = await client.request(`${puller.base}/v1/config`, {
      method: "PUT",
      body: JSON.stringify({ version: 3, config: { checks: [{ id: "x", type: "nope" }] } }),
    });
    assertEquals(bad.status, 400);
    const badBody = JSON.parse(dec.decode(bad.body));
    assert(
      badBody.problems.length > 0 && badBody.problems.some((p: string) => p.includes("checks[0]")),
      dec.decode(bad.body),
    );

    const v2 = await client.sendJson(`${puller.base}/v1/config`, {
      version: 2,
      config: { counters, checks: [probeCheck] },
    }, {
      method: "PUT",
    });
    assertEquals(v2.value, { applied: true, version: 2 });
    const stale = await client.sendJson(`${puller.base}/v1/config`, {
      version: 1,
      config: { counters, checks: [] },
    }, {
      method: "PUT",
    });
    assertEquals((stale.value as { applied: boolean }).applied, false);
    const result = await puller.until("a probe check result", (p) => p.kind === RecordKind.Check);
    assertEquals(result.value.checkId, "probe");
    assertEquals(result.value.state, "OK");
    assertEquals(result.value.message, "OK - probe answered");

    const status = (await client.getJson(`${puller.base}/v1/status`)).value as AgentStatus;
    assertEquals(status.configVersion, 2);
    assertEquals(status.buffer.ackedSeq, acked);
    assert(status.buffer.lastSeq >= puller.after, JSON.stringify(status));

    // restart: the configuration, the acknowledgement and the sequence survive
    const lastBefore = puller.after;
    assertEquals(await agent.stop(), 0);
    const restartedAt = Date.now();
    agent = await startAgentProcess(etc, data);
    puller.base = `https://127.0.0.1:${agent.pullPort}`;
    const config = (await client.getJson(`${puller.base}/v1/config`)).value as ConfigEnvelope;
    assertEquals(config.version, 2);
    assertEquals(config.config.checks[0].id, "probe");
    const local = await fetch(`http://127.0.0.1:${agent.statusPort}/status`);
    const localStatus: AgentStatus = await local.json();
    assertEquals(localStatus.configVersion, 2);
    assertEquals(localStatus.buffer.ackedSeq, acked);
    assert(localStatus.buffer.lastSeq >= lastBefore, "the sequence continues after a restart");
    await puller.until(
      "a probe result after the restart",
      (p) => p.kind === RecordKind.Check && (p.value.ts as number) >= restartedAt,
    );
    assert(puller.after > lastBefore);
  } finally {
    client.close();
    intruder.close();
    await agent.stop();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("after kill -9 the agent serves everything not acknowledged again, identical, and then continues", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "agent_kill_" });
  const etc = `${tmp}/etc`;
  const data = `${tmp}/data`;
  await Deno.writeTextFile(`${tmp}/agent.json`, JSON.stringify({ collect: { version: 1, counters } }));
  const flags = ["--config", `${tmp}/agent.json`, "--journal-fsync", "never"];
  let agent = await startAgentProcess(etc, data, flags);
  const server = await ensureServiceIdentity(etc, "server");
  const agentIdentity = await ensureServiceIdentity(etc, "agent");
  const client = createMtlsClient({
    identity: server,
    pin: agentIdentity.server.fingerprint,
    maxSocketsPerOrigin: 1,
  });
  try {
    const puller = new Puller(client, `https://127.0.0.1:${agent.pullPort}`);
    await puller.until("samples", (p) => p.kind === RecordKind.Samples && p.seq >= 6);
    const acked = puller.seen[2]!.seq;
    await client.sendJson(`${puller.base}/v1/ack`, { seq: acked });
    const pulledNotAcked = puller.seen.filter((p) => p.seq > acked);
    await agent.kill();
    agent = await startAgentProcess(etc, data, flags);
    const again = new Puller(client, `https://127.0.0.1:${agent.pullPort}`);
    again.after = acked;
    await again.until("records written after the restart", (p) => p.seq > puller.after);
    assertEquals(again.seen.slice(0, pulledNotAcked.length), pulledNotAcked, "re-served identical");
    const started = again.seen.find((p) => p.kind === RecordKind.Notice && p.seq > puller.after);
    assert(started, "the restarted agent journals a start notice after the old records");
  } finally {
    client.close();
    await agent.stop();
    await Deno.remove(tmp, { recursive: true });
  }
});
