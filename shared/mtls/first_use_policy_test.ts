import { assert, assertEquals, assertMatch } from "../../tests/helpers/assert.ts";
import { createLogger, logSink } from "../log.ts";
import { readTrustFile } from "../trust/trust_file.ts";
import { fileTrustPolicy } from "./file_policy.ts";
import { firstUseTrustPolicy } from "./first_use_policy.ts";

const A = "AA:".repeat(31) + "AA";
const B = "BB:".repeat(31) + "BB";
const C = "CC:".repeat(31) + "CC";
logSink.level = "error";
const log = createLogger("test");

Deno.test("first use: the first fingerprint is written with a comment and trusted, others refused", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/trusted_certificates.cfg`;
  try {
    const policy = firstUseTrustPolicy(path, log);
    assert(await policy.check(A.toLowerCase(), "10.0.0.1:5000"));
    assert(!(await policy.check(B, "10.0.0.2:5000")));
    assert(await policy.check(A, "10.0.0.1:5001"));
    const text = await Deno.readTextFile(path);
    assertMatch(text, /^# trusted on first use \d{4}-\d\d-\d\dT[\d:.]+Z from 10\.0\.0\.1:5000\nAA:AA/);
    // a file listing several servers accepts each (standby), refreshed without restart
    await Deno.writeTextFile(path, `${A}\n${B}\n`);
    assert(await policy.check(B, "10.0.0.2:5000"));
    assert(!(await policy.check(C, "10.0.0.3:5000")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("first use: racing servers — exactly one gets in, even across policy instances", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/trusted_certificates.cfg`;
  try {
    await Deno.writeTextFile(path, "# empty: no fingerprint yet\n");
    const fps = Array.from(
      { length: 12 },
      (_, i) => i.toString(16).toUpperCase().padStart(2, "0").repeat(32),
    );
    const canon = fps.map((f) => f.replace(/(..)(?!$)/g, "$1:"));
    // two policies over one file behave like two agent processes sharing it
    const policies = [firstUseTrustPolicy(path, log), firstUseTrustPolicy(path, log)];
    const results = await Promise.all(canon.map((fp, i) => policies[i % 2]!.check(fp, `10.0.0.${i}:1`)));
    assertEquals(results.filter(Boolean).length, 1);
    const listed = await readTrustFile(path);
    assertEquals(listed, [canon[results.indexOf(true)]!]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("file policy: a missing file trusts nobody; edits apply on the next check", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/trusted_certificates.cfg`;
  try {
    const policy = fileTrustPolicy(path);
    assert(!(await policy.check(A, "p")));
    await Deno.writeTextFile(path, `sha256 Fingerprint=${A}\n`);
    assert(await policy.check(A.toLowerCase(), "p"));
    await Deno.writeTextFile(path, `# nobody\n`);
    assert(!(await policy.check(A, "p")), "removal takes effect too");
    assert(!(await policy.check("not a fingerprint", "p")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
