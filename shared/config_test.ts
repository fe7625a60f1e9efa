import { assert, assertEquals, assertThrows } from "../tests/helpers/assert.ts";
import { loadConfig, type Schema } from "./config.ts";
import { ConfigError } from "./errors.ts";

const schema = {
  data: { type: "path", default: "./data", env: "T_DATA", help: "data" },
  pullInterval: { type: "duration", default: "10s", help: "pull interval" },
  maxBytes: { type: "size", default: "64MiB", help: "journal bound" },
  listen: { type: "hostport", default: "127.0.0.1:4100", help: "address" },
  verbose: { type: "bool", default: false, help: "verbose" },
  mode: { type: "string", default: "a", values: ["a", "b"], help: "mode" },
  databaseUrl: { type: "url", help: "db" },
} satisfies Schema;

const noEnv = () => undefined;

Deno.test("defaults, file, environment and flags apply in that order", () => {
  const c = loadConfig(schema, {
    args: ["--pull-interval", "5s", "--verbose", "--listen=[::1]:9"],
    env: (n) => (n === "T_DATA" ? "/env/data" : undefined),
    file: { data: "/file/data", maxBytes: "1KiB", pullInterval: "1m" },
  });
  assertEquals(c.data, "/env/data");
  assertEquals(c.pullInterval, 5000);
  assertEquals(c.maxBytes, 1024);
  assertEquals(c.listen, { hostname: "::1", port: 9 });
  assertEquals(c.verbose, true);
  assertEquals(c.databaseUrl, undefined);
});

Deno.test("every problem is listed at once", () => {
  const err = assertThrows(() =>
    loadConfig(schema, {
      args: ["--pull-interval", "10x", "--bogus", "1", "--mode", "c"],
      env: noEnv,
      file: { nope: 1, listen: "nowhere" },
    })
  );
  assert(err instanceof ConfigError);
  const text = err.problems.join("\n");
  assertEquals(err.problems.length, 5, text);
  for (
    const part of ['unknown flag "--bogus"', 'unknown key "nope"', '"10x"', "nowhere", "must be one of a, b"]
  ) {
    assert(text.includes(part), `missing "${part}" in:\n${text}`);
  }
});

Deno.test("a configuration file that is not JSON is reported with its path", () => {
  const path = Deno.makeTempFileSync({ suffix: ".json" });
  Deno.writeTextFileSync(path, "{ not json");
  const err = assertThrows(() => loadConfig(schema, { args: ["--config", path], env: noEnv }));
  assert(err.message.includes(path), err.message);
  Deno.removeSync(path);
});
