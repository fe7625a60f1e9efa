import { assertEquals } from "../../tests/helpers/assert.ts";
import { RateLimiter } from "./rate_limit.ts";

Deno.test("rate limit: blocks a key after maxFailures until the window ends", () => {
  let now = 1_000;
  const rl = new RateLimiter({ maxFailures: 3, windowMs: 60_000, maxKeys: 100, now: () => now });
  for (let i = 0; i < 2; i++) rl.fail("ip:1");
  assertEquals(rl.retryAfterMs("ip:1"), 0);
  rl.fail("ip:1");
  assertEquals(rl.retryAfterMs("ip:1"), 60_000);
  now += 59_000;
  assertEquals(rl.retryAfterMs("ip:1"), 1_000);
  now += 1_000;
  assertEquals(rl.retryAfterMs("ip:1"), 0, "window over");
  assertEquals(rl.retryAfterMs("ip:2"), 0, "other keys unaffected");
});

Deno.test("rate limit: success resets; the map stays bounded and counts evictions", () => {
  const rl = new RateLimiter({ maxFailures: 1, windowMs: 60_000, maxKeys: 3 });
  rl.fail("a");
  rl.reset("a");
  assertEquals(rl.retryAfterMs("a"), 0);
  for (const k of ["k1", "k2", "k3", "k4", "k5"]) rl.fail(k);
  assertEquals(rl.size, 3);
  assertEquals(rl.evicted, 2);
  assertEquals(rl.retryAfterMs("k1"), 0, "oldest evicted");
  assertEquals(rl.retryAfterMs("k5") > 0, true);
});
