import { assert, assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { alerts, parseRange, thresholdState, worst } from "./range.ts";

// The examples table of the Monitoring Plugins development guideline, "Threshold and ranges".
const GUIDELINE: [string, string, number[], number[]][] = [
  ["10", "< 0 or > 10, (outside the range of {0 .. 10})", [-1, -0.5, 10.5, 11, 1000], [0, 5, 10]],
  ["10:", "< 10, (outside {10 .. ∞})", [9.99, 0, -5], [10, 11, 1e9]],
  ["~:10", "> 10, (outside the range of {-∞ .. 10})", [10.01, 11], [10, 0, -1e9]],
  ["10:20", "< 10 or > 20, (outside the range of {10 .. 20})", [9, 21, 0], [10, 15, 20]],
  ["@10:20", "≥ 10 and ≤ 20, (inside the range of {10 .. 20})", [10, 15, 20], [9.99, 20.01, 0]],
];

Deno.test("range: the guideline's examples alert exactly where it says", () => {
  for (const [range, what, alerting, quiet] of GUIDELINE) {
    const r = parseRange(range);
    for (const v of alerting) assert(alerts(r, v), `${range} must alert for ${v} (${what})`);
    for (const v of quiet) assert(!alerts(r, v), `${range} must not alert for ${v} (${what})`);
  }
});

Deno.test("range: the guideline's check_stuff examples give the documented states", () => {
  // check_stuff -w10 -c20: critical above 20, warning above 10
  assertEquals([5, 15, 25].map((v) => thresholdState(v, "10", "20")), ["OK", "WARNING", "CRITICAL"]);
  // -w~:0 -c10: warning above 0, critical above 10 (and below 0)
  assertEquals([0, 5, 11].map((v) => thresholdState(v, "~:0", "10")), ["OK", "WARNING", "CRITICAL"]);
  // -w5: -c3: warn below 5, critical below 3
  assertEquals([6, 4, 2].map((v) => thresholdState(v, "5:", "3:")), ["OK", "WARNING", "CRITICAL"]);
  // -c@10:20 critical inside 10..20
  assertEquals([5, 15].map((v) => thresholdState(v, undefined, "@10:20")), ["OK", "CRITICAL"]);
});

Deno.test("range: forms and boundaries", () => {
  assertEquals(parseRange("@10"), { start: 0, end: 10, inside: true });
  assertEquals(parseRange("~:"), { start: -Infinity, end: Infinity, inside: false });
  assertEquals(parseRange("-5:-1.5"), { start: -5, end: -1.5, inside: false });
  assertEquals(parseRange(" 1e3 "), { start: 0, end: 1000, inside: false });
  assert(!alerts(parseRange("0:0"), 0));
});

Deno.test("range: malformed ranges are rejected with the range in the message", () => {
  for (const bad of ["", "@", "20:10", "abc", "1:2:3", "10x", ":x", "~"]) {
    const e = assertThrows(() => parseRange(bad), `"${bad}"`);
    assert(e instanceof SyntaxError, `${bad}: ${e}`);
  }
});

Deno.test("range: worst state ranks CRITICAL over UNKNOWN over WARNING over OK", () => {
  assertEquals(worst("OK", "WARNING"), "WARNING");
  assertEquals(worst("UNKNOWN", "WARNING"), "UNKNOWN");
  assertEquals(worst("UNKNOWN", "CRITICAL"), "CRITICAL");
});
