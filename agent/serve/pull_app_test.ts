import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { createLogger } from "@sonde/shared/log";
import { decodeRecords } from "@sonde/shared/wire/record_codec";
import { Journal } from "../buffer/journal.ts";
import { ConfigStore } from "./config_store.ts";
import { createPullApp } from "./pull_app.ts";
import type { AgentStatus } from "./status.ts";

const log = createLogger("test");
const enc = new TextEncoder();

async function withApp(fn: (app: ReturnType<typeof createPullApp>, journal: Journal) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "pull_app_" });
  const journal = Journal.open(`${dir}/journal`, { fsync: "never" });
  const config = ConfigStore.load(`${dir}/config.json`, undefined, log);
  const status = {
    hostname: "h1",
    startedAt: Date.now() - 5000,
    journal,
    configVersion: () => config.current.version,
  };
  try {
    await fn(createPullApp({ journal, config, status, log }), journal);
  } finally {
    journal.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("GET /v1/records pages raw records with the sequence headers", () =>
  withApp(async (app, journal) => {
    for (let i = 1; i <= 10; i++) journal.append(1, enc.encode(`{"i":${i}}`.padEnd(75)));
    const res = await app.request("/v1/records?after=3&maxBytes=250");
    assertEquals(res.status, 200);
    assertEquals(res.headers.get("content-type"), "application/octet-stream");
    const records = decodeRecords(new Uint8Array(await res.arrayBuffer()));
    assertEquals(records.map((r) => r.seq), [4, 5]);
    assertEquals(res.headers.get("x-sonde-last-seq"), "5");
    assertEquals(res.headers.get("x-sonde-first-seq"), "1");
    assertEquals(res.headers.get("x-sonde-records"), "2");
    const empty = await app.request("/v1/records?after=10");
    assertEquals((await empty.arrayBuffer()).byteLength, 0);
    assertEquals(empty.headers.get("x-sonde-last-seq"), "10");
  }));

Deno.test("bad query values and bodies are answered with 400 and the reason", () =>
  withApp(async (app, journal) => {
    journal.append(1, enc.encode("{}"));
    const cases: [string, RequestInit | undefined, string][] = [
      [
        "/v1/records?after=-1",
        undefined,
        'after: must be an integer in 0..9007199254740991: current value is "-1"',
      ],
      ["/v1/records?maxBytes=0", undefined, "maxBytes: must be an integer"],
      ["/v1/ack", { method: "POST", body: "{" }, "body: is not JSON"],
      [
        "/v1/ack",
        { method: "POST", body: '{"seq":"1"}' },
        'seq: must be a non-negative integer: current value is "1"',
      ],
      ["/v1/ack", { method: "POST", body: '{"seq":99}' }, "the last record is 1"],
      ["/v1/config", { method: "PUT", body: '{"version":1}' }, "config: is required"],
    ];
    for (const [path, init, message] of cases) {
      const res = await app.request(path, init);
      assertEquals(res.status, 400, path);
      const body = await res.json();
      assert(body.message.includes(message), `${path}: ${body.message}`);
    }
    assertEquals((await app.request("/v1/nope")).status, 404);
  }));

Deno.test("POST /v1/ack acknowledges and GET /v1/status reports the buffer", () =>
  withApp(async (app, journal) => {
    for (let i = 1; i <= 4; i++) journal.append(1, enc.encode("{}"), Date.now() - 3000);
    const ack = await app.request("/v1/ack", { method: "POST", body: '{"seq":2}' });
    assertEquals(await ack.json(), { ackedSeq: 2 });
    const status: AgentStatus = await (await app.request("/v1/status")).json();
    assertEquals(status.hostname, "h1");
    assert(status.uptimeS >= 5, `uptime ${status.uptimeS}`);
    assertEquals(status.configVersion, 0);
    assertEquals(status.buffer.records, 2);
    assertEquals(status.buffer.ackedSeq, 2);
    assertEquals(status.buffer.lastSeq, 4);
    assert(status.buffer.oldestAgeS >= 2, `oldest age ${status.buffer.oldestAgeS}`);
    assertEquals(status.drops, { records: 0, bytes: 0 });
  }));
