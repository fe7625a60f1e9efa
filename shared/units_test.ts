import { assertEquals, assertThrows } from "../tests/helpers/assert.ts";
import { formatDuration, parseDuration, parseSize } from "./units.ts";

Deno.test("durations parse in every unit and combination", () => {
  assertEquals(parseDuration("30s"), 30_000);
  assertEquals(parseDuration("250ms"), 250);
  assertEquals(parseDuration("1h30m"), 5_400_000);
  assertEquals(parseDuration("2d"), 172_800_000);
  assertEquals(parseDuration("1.5s"), 1500);
  assertEquals(parseDuration("1500"), 1500);
  assertEquals(parseDuration(42), 42);
});

Deno.test("bad durations name the value", () => {
  for (const bad of ["", "10x", "s", "1h 30m", "-5s", "1.2.3s"]) {
    assertThrows(() => parseDuration(bad), `"${bad}"`);
  }
});

Deno.test("sizes parse SI and IEC units", () => {
  assertEquals(parseSize("512"), 512);
  assertEquals(parseSize("64KiB"), 65536);
  assertEquals(parseSize("64MiB"), 67_108_864);
  assertEquals(parseSize("1GB"), 1e9);
  assertEquals(parseSize("1.5k"), 1500);
  assertThrows(() => parseSize("12 parsecs"), '"12 parsecs"');
  assertThrows(() => parseSize("MiB"), '"MiB"');
});

Deno.test("durations format compactly", () => {
  assertEquals(formatDuration(5_400_000), "1h30m");
  assertEquals(formatDuration(250), "250ms");
});
