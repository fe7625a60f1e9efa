import { assert } from "../../tests/helpers/assert.ts";
import { backoffDelay } from "./deliver.ts";

Deno.test("backoff doubles per attempt within ±20% and stops at the cap", () => {
  const o = { backoffMs: 1000, maxBackoffMs: 5000 };
  for (let i = 0; i < 50; i++) {
    const [a, b, c, d] = [1, 2, 3, 10].map((n) => backoffDelay(n, o));
    assert(a! >= 800 && a! <= 1200, `attempt 1: ${a}`);
    assert(b! >= 1600 && b! <= 2400, `attempt 2: ${b}`);
    assert(c! >= 3200 && c! <= 4800, `attempt 3: ${c}`);
    assert(d! >= 4000 && d! <= 6000, `attempt 10 is capped: ${d}`);
  }
});
