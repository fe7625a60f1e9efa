import { assert, assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { createLogger } from "@sonde/shared/log";
import { ValidationError } from "@sonde/shared/errors";
import { defaultAgentConfig, parseAgentConfig } from "@sonde/shared/wire/agent_config";
import { ConfigStore, parseConfigEnvelope } from "./config_store.ts";

const log = createLogger("test");
const check = {
  id: "web",
  type: "tcp",
  intervalMs: 5000,
  timeoutMs: 1000,
  params: { host: "127.0.0.1", port: 1 },
};

function tempPath(): { dir: string; path: string } {
  const dir = Deno.makeTempDirSync({ prefix: "config_store_" });
  return { dir, path: `${dir}/config.json` };
}

Deno.test("an envelope's version becomes the configuration's version", () => {
  const env = parseConfigEnvelope({ version: 7, config: { checks: [check] } });
  assertEquals(env.version, 7);
  assertEquals(env.config.version, 7);
  assertEquals(env.config.checks[0]!.id, "web");
});

Deno.test("an invalid envelope lists every problem", () => {
  const e = assertThrows(() => parseConfigEnvelope({ version: -1, config: { checks: [{ id: "" }] }, x: 1 }));
  assert(e instanceof ValidationError);
  const text = e.problems.join("\n");
  assert(text.includes("x: unknown field"), text);
  assert(text.includes("version: must be a non-negative integer: current value is -1"), text);
  assert(text.includes("config.checks[0]"), text);
});

Deno.test("a newer pushed configuration is applied, persisted and survives a reload; an older one is ignored", () => {
  const { dir, path } = tempPath();
  try {
    const store = ConfigStore.load(path, undefined, log);
    assertEquals(store.current, defaultAgentConfig());
    const seen: number[] = [];
    store.onChange((c) => seen.push(c.version));
    assertEquals(store.offer({ version: 3, config: { checks: [check] } }), { applied: true, version: 3 });
    const older = store.offer({ version: 2, config: {} });
    assertEquals(older.applied, false);
    assertEquals(older.version, 3);
    assertEquals(seen, [3]);
    const reloaded = ConfigStore.load(path, undefined, log);
    assertEquals(reloaded.current.version, 3);
    assertEquals(reloaded.current.checks.map((c) => c.id), ["web"]);
    assertEquals(reloaded.envelope().version, 3);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a local configuration is used until a newer version is pushed; a corrupt file is ignored", () => {
  const { dir, path } = tempPath();
  try {
    const local = parseAgentConfig({ version: 5, checks: [check] });
    Deno.writeTextFileSync(path, "{not json");
    const store = ConfigStore.load(path, local, log);
    assertEquals(store.current.version, 5);
    assertEquals(store.offer({ version: 4, config: {} }).applied, false);
    assertEquals(store.offer({ version: 6, config: {} }).applied, true);
    assertEquals(ConfigStore.load(path, local, log).current.version, 6);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
