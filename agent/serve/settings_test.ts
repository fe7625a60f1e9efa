import { assert, assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { ConfigError } from "@sonde/shared/errors";
import { loadAgentSettings } from "./settings.ts";

Deno.test("defaults: pull endpoint on 127.0.0.1:4100, status on 127.0.0.1:4101", () => {
  const s = loadAgentSettings([]);
  assertEquals(s.listen, { hostname: "127.0.0.1", port: 4100 });
  assertEquals(s.statusListen, { hostname: "127.0.0.1", port: 4101 });
  assertEquals(s.journalFsync, "batch");
  assertEquals(s.localConfig, undefined);
});

Deno.test("--config FILE gives settings and a local agent configuration; flags win", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/agent.json`;
    Deno.writeTextFileSync(
      path,
      JSON.stringify({
        listen: "0.0.0.0:4200",
        journalMaxBytes: "1GiB",
        collect: { version: 2, checks: [] },
      }),
    );
    const s = loadAgentSettings(["--config", path, "--listen", "127.0.0.1:4300"]);
    assertEquals(s.listen.port, 4300);
    assertEquals(s.journalMaxBytes, 1024 ** 3);
    assertEquals(s.localConfig?.version, 2);
    Deno.writeTextFileSync(path, JSON.stringify({ collect: { checks: [{ id: 1 }] }, bogus: true }));
    const e = assertThrows(() => loadAgentSettings([`--config=${path}`]));
    assert(e instanceof ConfigError && e.problems.some((p) => p.includes('key "collect"')), e.message);
    assert(e.problems.some((p) => p.includes('unknown key "bogus"')), e.message);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("every bad flag is reported at once", () => {
  const e = assertThrows(() =>
    loadAgentSettings(["--listen", "nope", "--journal-fsync", "sometimes", "--x", "1"])
  );
  assert(e instanceof ConfigError);
  assertEquals(e.problems.length, 3);
});
