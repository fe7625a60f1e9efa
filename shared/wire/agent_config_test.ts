import { assert, assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { ValidationError } from "../errors.ts";
import { defaultAgentConfig, isNagiosRange, parseAgentConfig } from "./agent_config.ts";

function problems(value: unknown): string[] {
  const e = assertThrows(() => parseAgentConfig(value));
  assert(e instanceof ValidationError, String(e));
  return e.problems;
}

Deno.test("agent_config: an empty object gets the defaults", () => {
  assertEquals(parseAgentConfig({}), defaultAgentConfig());
  assertEquals(defaultAgentConfig().counters, { defaults: true, intervalMs: 10_000 });
});

Deno.test("agent_config: a full configuration is read with durations and per-type defaults", () => {
  const c = parseAgentConfig({
    version: 7,
    counters: {
      intervalMs: "15s",
      sources: { disk: { intervalMs: "1m" }, swap: { enabled: false } },
      processes: [{ name: "pg", match: "postgres" }, { name: "deno", match: "/deno (run|test)/" }],
      formulas: [{ key: "mem.pct", expr: "100 * mem.used / mem.total", unit: "%" }],
    },
    checks: [
      { id: "web", type: "http", intervalMs: 30000, params: { url: "https://example.org/", keyword: "x" } },
      { id: "db", type: "tcp", timeoutMs: "2s", params: { port: 5432 } },
      { id: "pg", type: "process", params: { match: "postgres" } },
      { id: "root", type: "filesystem", params: { warn: "10:", crit: 5 } },
      { id: "load", type: "counter", params: { key: "load.1", warn: "~:4" } },
      { id: "disk", type: "command", params: { command: ["/usr/lib/nagios/plugins/check_disk", "-p", "/"] } },
    ],
    maxConcurrentChecks: 2,
    telemetry: { level: 60, levels: { shop: 70 }, sessions: [{ id: "s1", level: 70, untilMs: 1e12 }] },
  });
  assertEquals(c.version, 7);
  assertEquals(c.counters.intervalMs, 15_000);
  assertEquals(c.counters.sources, {
    disk: { intervalMs: 60_000, enabled: undefined },
    swap: { enabled: false, intervalMs: undefined },
  });
  assertEquals(c.checks.map((x) => [x.id, x.intervalMs, x.timeoutMs]), [
    ["web", 30_000, 10_000],
    ["db", 60_000, 2_000],
    ["pg", 60_000, 10_000],
    ["root", 60_000, 10_000],
    ["load", 60_000, 10_000],
    ["disk", 60_000, 10_000],
  ]);
  const web = c.checks[0]!;
  assert(web.type === "http");
  assertEquals([web.params.method, web.params.tlsVerify], ["GET", true]);
  const pg = c.checks[2]!;
  assert(pg.type === "process");
  assertEquals(pg.params.crit, "1:");
  const root = c.checks[3]!;
  assert(root.type === "filesystem");
  assertEquals([root.params.path, root.params.measure, root.params.crit], ["/", "free_pct", "5"]);
  assertEquals(c.telemetry.levels, { shop: 70 });
});

Deno.test("agent_config: every problem is listed with its path and value", () => {
  const list = problems({
    version: -1,
    counters: { intervalMs: "soon", sources: { gpu: {} }, processes: [{ name: "a b", match: "/(/" }] },
    checks: [
      { id: "a", type: "http", params: { url: "https://ok/" } },
      { id: "a", type: "tcp", params: {} },
      { id: "c", type: "http", params: { url: "x", warnMs: "20:10", urll: 1 } },
      { id: "d", type: "ftp" },
      { id: "e", type: "command", params: { command: "check_disk -p /" } },
    ],
    maxConcurrentChecks: 0,
    telemetry: { level: "high" },
  });
  const expected = [
    "version: must be an integer in 0..9007199254740991: current value is -1",
    'counters.intervalMs: must be a duration of at least 100 ms (e.g. 30000 or "30s"): current value is "soon"',
    "counters.sources.gpu: unknown field",
    'counters.processes[0].name: must not contain whitespace (it becomes a counter key): current value is "a b"',
    "counters.processes[0].match: must be a valid regular expression",
    'checks[1].id: must be unique among checks: current value is "a"',
    "checks[1].params.port: is required",
    "checks[2].params.urll: unknown field",
    'checks[2].params.url: must be an http(s) URL: current value is "x"',
    'checks[2].params.warnMs: must be a Nagios range like "10", "10:", "~:10", "10:20" or "@10:20": current value is "20:10"',
    'checks[3].type: must be one of http, tcp, process, filesystem, counter, snmp, command: current value is "ftp"',
    "checks[4].params.command: must be a non-empty array of strings (argv, no shell)",
    "maxConcurrentChecks: must be an integer in 1..1000: current value is 0",
    'telemetry.level: must be an integer in 0..255: current value is "high"',
  ];
  for (const want of expected) {
    assert(list.some((p) => p.startsWith(want)), `missing "${want}" in\n${list.join("\n")}`);
  }
  assertEquals(list.length, expected.length, list.join("\n"));
});

Deno.test("agent_config: non-objects and garbage never crash, they are reported", () => {
  for (const bad of [null, 42, "x", [], { checks: "nope" }, { checks: [null, 1, []] }, { counters: [] }]) {
    assert(problems(bad).length > 0);
  }
  for (let i = 0; i < 500; i++) {
    const junk = JSON.parse(
      JSON.stringify({
        checks: [{
          id: String(i),
          type: ["http", "tcp", "command"][i % 3],
          params: { url: i % 2 ? "http://h/" : i, port: i, command: [String(i)] },
        }],
      }),
    );
    try {
      parseAgentConfig(junk);
    } catch (e) {
      assert(e instanceof ValidationError, String(e));
    }
  }
});

Deno.test("agent_config: Nagios range validation follows the guideline grammar", () => {
  for (const ok of ["10", "10:", "~:10", "10:20", "@10:20", "@10", "-5:-1", "0.5:1.5", "~:"]) {
    assert(isNagiosRange(ok), ok);
  }
  for (const bad of ["", "@", "20:10", "a", "1:2:3", "10x", "~"]) assert(!isNagiosRange(bad), bad);
});

Deno.test("agent_config: SNMP checks get their defaults and refuse a symbolic OID or an unknown version", () => {
  const c = parseAgentConfig({ checks: [{ id: "s", type: "snmp", params: { oid: ".1.3.6.1.2.1.1.3.0" } }] });
  assertEquals(c.checks[0]!.params, {
    host: "127.0.0.1",
    port: 161,
    community: "public",
    version: "2c",
    oid: "1.3.6.1.2.1.1.3.0",
    label: undefined,
    warn: undefined,
    crit: undefined,
    expect: undefined,
    regex: undefined,
  });
  const found = problems({
    checks: [{ id: "s", type: "snmp", params: { oid: "sysUpTime.0", version: "3" } }],
  });
  assertEquals(found, [
    'checks[0].params.oid: must be a numeric OID like 1.3.6.1.2.1.1.3.0: current value is "sysUpTime.0"',
    'checks[0].params.version: must be "1" or "2c": current value is "3"',
  ]);
});
