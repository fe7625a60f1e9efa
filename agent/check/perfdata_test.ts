import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { parsePerfdata, parsePluginOutput, perfdataSamples } from "./perfdata.ts";

Deno.test("perfdata: the guideline's format with UOM, thresholds, min and max", () => {
  const out = parsePluginOutput("DISK OK - free space: / 3326 MB (56%);| /=2643MB;5948;5958;0;5968\n");
  assertEquals(out.message, "DISK OK - free space: / 3326 MB (56%);");
  assertEquals(out.perfdata, [{
    label: "/",
    value: 2643,
    uom: "MB",
    warn: "5948",
    crit: "5958",
    min: 0,
    max: 5968,
  }]);
});

Deno.test("perfdata: quoted labels with spaces and quotes, empty and missing fields", () => {
  const { perfdata, malformed } = parsePerfdata(
    "'my label'=5s;;10 'it''s'=1;2 time=0.002s;;;0.0;10.0 ratio=0.5;@1:2;~:3 x=U;1 size=12B",
  );
  assertEquals(malformed, 0);
  assertEquals(perfdata, [
    { label: "my label", value: 5, uom: "s", crit: "10" },
    { label: "it's", value: 1, warn: "2" },
    { label: "time", value: 0.002, uom: "s", min: 0, max: 10 },
    { label: "ratio", value: 0.5, warn: "@1:2", crit: "~:3" },
    { label: "size", value: 12, uom: "B" },
  ]);
});

Deno.test("perfdata: long text and perfdata on later lines", () => {
  const out = parsePluginOutput("OK - all fine | a=1\nline two\nline three | b=2c\nc=3%\n");
  assertEquals(out.message, "OK - all fine");
  assertEquals(out.longText, "line two\nline three");
  assertEquals(out.perfdata.map((p) => [p.label, p.value, p.uom]), [["a", 1, undefined], ["b", 2, "c"], [
    "c",
    3,
    "%",
  ]]);
});

Deno.test("perfdata: malformed items are counted and skipped", () => {
  const { perfdata, malformed } = parsePerfdata("=1 novalue abc=x1 ok=1 'unterminated=2");
  assertEquals(perfdata.map((p) => p.label), ["ok"]);
  assertEquals(malformed, 4);
});

Deno.test("perfdata: samples are keyed check.<id>.<label> with normalised units", () => {
  const samples = perfdataSamples("disk", [
    { label: "/", value: 2, uom: "GB" },
    { label: "time", value: 1500, uom: "us" },
    { label: "n", value: 7, uom: "c" },
  ]);
  assertEquals(samples, [
    { key: "check.disk./", value: 2 * 1024 ** 3, unit: "B" },
    { key: "check.disk.time", value: 1.5, unit: "ms" },
    { key: "check.disk.n", value: 7, unit: "" },
  ]);
});

Deno.test("perfdata: random and truncated output never throws", () => {
  const seed = "CHECK OK - x | 'a b'=1.5ms;1:2;@3;0;9 c=U d=-1e3KB;;;\nmore | e=1";
  const alphabet = "'=;|: \n1.-@~abcU%";
  for (let i = 0; i < 3000; i++) {
    const text = i % 2 === 0
      ? seed.slice(0, i % seed.length)
      : Array.from({ length: i % 60 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join("");
    const out = parsePluginOutput(text);
    assert(out.perfdata.every((p) => Number.isFinite(p.value) && p.label !== ""), text);
  }
});
