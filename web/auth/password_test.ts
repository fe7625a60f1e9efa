import { assert, assertEquals, assertMatch } from "../../tests/helpers/assert.ts";
import { generatePassword, hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "./password.ts";

Deno.test("password: hashes with PBKDF2-SHA256 at 210,000 iterations and verifies", async () => {
  assert(PBKDF2_ITERATIONS >= 210_000);
  const h = await hashPassword("correct horse battery");
  assertMatch(h, /^pbkdf2-sha256\$210000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assertEquals(await verifyPassword("correct horse battery", h), true);
  assertEquals(await verifyPassword("correct horse batterY", h), false);
  assert(h !== await hashPassword("correct horse battery"), "salted");
});

Deno.test("password: malformed stored hashes never verify", async () => {
  for (const bad of ["", "plain", "md5$1$a$b", "pbkdf2-sha256$x$a$b", "pbkdf2-sha256$1000$$"]) {
    assertEquals(await verifyPassword("x", bad), false, bad);
  }
});

Deno.test("password: generated passwords are long and unambiguous", () => {
  const p = generatePassword();
  assertEquals(p.length, 20);
  assertMatch(p, /^[a-km-zA-HJ-NP-Z2-9]+$/);
});
