import { assertEquals } from "../../tests/helpers/assert.ts";
import { RateTracker } from "./rate.ts";

Deno.test("rate: per-second rate from two readings, none from the first", () => {
  const r = new RateTracker();
  assertEquals(r.rate("x", 1000, 10_000), undefined);
  assertEquals(r.rate("x", 3000, 12_000), 1000);
  assertEquals(r.rate("x", 3000, 13_000), 0);
});

Deno.test("rate: a counter going backwards (wrap or reset) gives no sample, then resumes", () => {
  const r = new RateTracker();
  r.rate("x", 2 ** 32 - 100, 0);
  assertEquals(r.rate("x", 50, 1000), undefined); // 32-bit wrap
  assertEquals(r.rate("x", 150, 2000), 100);
  assertEquals(r.rate("x", 0, 3000), undefined); // reset (driver reload)
  assertEquals(r.rate("x", 10, 4000), 10);
});

Deno.test("rate: no time elapsed or time going backwards gives no sample", () => {
  const r = new RateTracker();
  r.rate("x", 1, 5000);
  assertEquals(r.rate("x", 2, 5000), undefined);
  assertEquals(r.rate("x", 3, 4000), undefined);
  assertEquals(r.rate("x", 4, 5000), 1);
});

Deno.test("rate: counters not read since the last sweep are forgotten", () => {
  const r = new RateTracker();
  r.rate("eth0", 1, 0);
  r.rate("eth1", 1, 0);
  r.sweep();
  r.rate("eth0", 2, 1000);
  r.sweep();
  assertEquals(r.size, 1);
  assertEquals(r.rate("eth1", 5, 2000), undefined);
});
