import { assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import {
  fingerprintOfDer,
  leadingFingerprint,
  normalizeFingerprint,
  parseFingerprint,
} from "./fingerprint.ts";

const CANON =
  "5F:2E:42:EA:5B:6D:13:9A:B2:BD:3D:6C:B8:9E:C1:FC:90:8D:EE:7A:33:56:6F:36:1E:AA:19:E2:CE:27:6A:C8";

Deno.test("normalizeFingerprint reads what people paste and writes openssl's form", () => {
  for (
    const spelling of [
      CANON,
      CANON.toLowerCase(),
      CANON.replace(/:/g, ""),
      `sha256 Fingerprint=${CANON}`,
      `SHA256 Fingerprint=${CANON.toLowerCase()}`,
      `  ${CANON}  `,
    ]
  ) assertEquals(normalizeFingerprint(spelling), CANON, spelling);
  for (const bad of ["", "AB:CD", CANON + ":00", CANON.replace("5F", "ZZ"), "sha1 Fingerprint=AB"]) {
    assertEquals(normalizeFingerprint(bad), undefined, bad);
  }
  assertThrows(() => parseFingerprint("nope"), 'current value is "nope"');
});

Deno.test("leadingFingerprint splits a trust-file line", () => {
  assertEquals(leadingFingerprint(`${CANON.toLowerCase()} # worker`), {
    fingerprint: CANON,
    rest: "# worker",
  });
  assertEquals(leadingFingerprint(`# ${CANON}`), undefined);
  assertEquals(leadingFingerprint("hello"), undefined);
});

Deno.test("fingerprintOfDer is SHA-256 in uppercase colon form", () => {
  // sha256("") = e3b0c442…
  assertEquals(fingerprintOfDer(new Uint8Array()).slice(0, 11), "E3:B0:C4:42");
  assertEquals(fingerprintOfDer(new Uint8Array()).length, 95);
});
