import { assert, assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { parseAgentStatus } from "./source.ts";

const good = {
  hostname: "h",
  version: "0.1.0",
  uptimeS: 5,
  configVersion: 2,
  buffer: { bytes: 10, records: 1, oldestAgeS: 0, firstSeq: 1, lastSeq: 1, ackedSeq: 0 },
  drops: { records: 0, bytes: 0 },
};

Deno.test("status: a document of the agent parses", () => {
  assertEquals(parseAgentStatus(good).buffer, { bytes: 10, records: 1, oldestAgeS: 0 });
});

Deno.test("status: every bad field is named with its value", () => {
  const e = assertThrows(() => parseAgentStatus({ ...good, uptimeS: "5", drops: { records: -1 } }));
  assertEquals(
    e.message,
    'Cannot parse agent status: "uptimeS" must be a non-negative number: current value is "5"; ' +
      '"drops.records" must be a non-negative number: current value is -1; ' +
      '"drops.bytes" must be a non-negative number: current value is undefined',
  );
});

Deno.test("status: random and truncated JSON values throw TypeError, never anything else", () => {
  let seed = 3;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const text = JSON.stringify(good);
  const pick = (): unknown => {
    const r = rnd();
    return r < 0.2
      ? null
      : r < 0.4
      ? rnd() * 1e6
      : r < 0.6
      ? "x"
      : r < 0.8
      ? [pick()]
      : { buffer: pick(), drops: pick() };
  };
  for (let i = 0; i < 300; i++) {
    let value: unknown;
    try {
      value = JSON.parse(text.slice(0, Math.floor(rnd() * text.length)));
    } catch {
      value = pick();
    }
    try {
      parseAgentStatus(value);
    } catch (e) {
      assert(e instanceof TypeError, `case ${i}: ${e}`);
    }
  }
});
