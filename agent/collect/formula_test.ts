import { assert, assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { compileFormula } from "./formula.ts";

const values: Record<string, number> = {
  "mem.used": 3,
  "mem.total": 12,
  "cpu.0.busy_pct": 40,
  "fs./.used": 10,
  "fs./.total": 40,
  "zero": 0,
  "net.br-1.rx_bytes_per_s": 100,
};
const run = (expr: string) => compileFormula(expr).evaluate((k) => values[k]);

Deno.test("formula: precedence, associativity, unary minus and parentheses", () => {
  assertEquals(run("100 * mem.used / mem.total"), 25);
  assertEquals(run("1 + 2 * 3"), 7);
  assertEquals(run("(1 + 2) * 3"), 9);
  assertEquals(run("10 - 4 - 3"), 3);
  assertEquals(run("64 / 4 / 2"), 8);
  assertEquals(run("-2 * -3"), 6);
  assertEquals(run("--5"), 5);
  assertEquals(run("2 - -2"), 4);
  assertEquals(run(" 1.5e2 + .5 "), 150.5);
  assertEquals(run("cpu.0.busy_pct / 2"), 20);
});

Deno.test("formula: bracketed keys hold any character", () => {
  assertEquals(run("100 * [fs./.used] / [fs./.total]"), 25);
  assertEquals(run("[net.br-1.rx_bytes_per_s] * 8"), 800);
  assertEquals(compileFormula("[fs./.used] + mem.used + [fs./.used]").keys, ["fs./.used", "mem.used"]);
});

Deno.test("formula: division by zero, missing counters and overflow give no value", () => {
  assertEquals(run("mem.used / zero"), undefined);
  assertEquals(run("mem.used / (mem.total - 12)"), undefined);
  assertEquals(run("mem.used + nope.missing"), undefined);
  assertEquals(run("1e308 * 10"), undefined);
  assertEquals(run("0 / mem.used"), 0);
});

Deno.test("formula: syntax errors name the formula and the position, never eval", () => {
  for (
    const [bad, why] of [
      ["", "unexpected end"],
      ["1 +", "unexpected end"],
      ["(1 + 2", 'expected ")"'],
      ["1 + 2)", 'unexpected ")"'],
      ["mem.used mem.total", 'unexpected "m"'],
      ["[fs./.used", 'expected "]"'],
      ["[]", "empty counter key"],
      ["mem.", 'ends with "."'],
      ["alert(1)", 'unexpected "("'],
      ["2 ** 3", 'unexpected "*"'],
      ["a; b", 'unexpected ";"'],
      ["1 % 2", 'unexpected "%"'],
    ]
  ) {
    const e = assertThrows(() => compileFormula(bad!), why);
    assert(e instanceof SyntaxError && e.message.includes(`"${bad}"`), e.message);
  }
});

Deno.test("formula: deep nesting and long input are refused instead of overflowing the stack", () => {
  assertThrows(() => compileFormula("(".repeat(500) + "1" + ")".repeat(500)), "nesting deeper");
  assertThrows(() => compileFormula("-".repeat(500) + "1"), "nesting deeper");
  assertThrows(() => compileFormula("1+".repeat(2000) + "1"), "longer than");
});

Deno.test("formula: random and truncated input either parses or throws SyntaxError", () => {
  const alphabet = "0123456789.+-*/() []abcmem_used";
  const seed = "100 * (mem.used + [fs./.used]) / -mem.total";
  for (let i = 0; i < 3000; i++) {
    const text = i % 3 === 0
      ? seed.slice(0, i % seed.length)
      : Array.from({ length: 1 + (i % 40) }, () => alphabet[Math.floor(Math.random() * alphabet.length)])
        .join("");
    try {
      const v = compileFormula(text).evaluate(() => 1);
      assert(v === undefined || Number.isFinite(v), `${text} gave ${v}`);
    } catch (e) {
      assert(e instanceof SyntaxError, `${text}: ${e}`);
    }
  }
});
