import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import {
  addTrustedFingerprint,
  formatTrustFile,
  parseTrustFile,
  readTrustFile,
  removeTrustedFingerprints,
  trustedFingerprints,
} from "./trust_file.ts";

const A = "AA:".repeat(31) + "AA";
const B = "0B:".repeat(31) + "0B";
const C = "CC:".repeat(31) + "CC";

Deno.test("a hand-edited trust file is read leniently and written canonically", () => {
  const text = [
    "# server trusts these callers",
    "",
    `sha256 Fingerprint=${A.toLowerCase()}`,
    `${B.replace(/:/g, "")} webserver on web-01`,
    "garbage line",
    A, // duplicate
  ].join("\r\n");
  assertEquals(trustedFingerprints(text), [A, B]);
  assertEquals(
    formatTrustFile(parseTrustFile(text)),
    `# server trusts these callers\n\n${A}\n${B} webserver on web-01\n# not a fingerprint: garbage line\n`,
  );
});

Deno.test("adding keeps existing lines and comments; removing drops only the entry", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/trusted_certificates.cfg`;
  try {
    assertEquals(await readTrustFile(path), []);
    await Deno.writeTextFile(path, `# keep me\n${A}\n`);
    assert(await addTrustedFingerprint(path, B.toLowerCase(), "the worker"));
    assert(!(await addTrustedFingerprint(path, B)), "adding twice changes nothing");
    assertEquals(await Deno.readTextFile(path), `# keep me\n${A}\n# the worker\n${B}\n`);
    assert(await removeTrustedFingerprints(path, [A]));
    assertEquals(await Deno.readTextFile(path), `# keep me\n# the worker\n${B}\n`);
    assert(!(await removeTrustedFingerprints(path, [C])));
    const left = [...Deno.readDirSync(dir)].map((e) => e.name);
    assertEquals(left, ["trusted_certificates.cfg"], "no temp or lock files left behind");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("concurrent additions to one file lose nothing", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/trusted_certificates.cfg`;
  try {
    const fps = Array.from({ length: 40 }, (_, i) => i.toString(16).padStart(2, "0").repeat(32));
    await Promise.all(fps.map((fp) => addTrustedFingerprint(path, fp)));
    assertEquals(
      (await readTrustFile(path)).sort(),
      fps.map((f) => f.toUpperCase().replace(/(..)(?!$)/g, "$1:")).sort(),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("random and truncated input never throws and yields only valid fingerprints", () => {
  const sample = `# c\n${A} x\n${B}\n\n`;
  for (let i = 0; i < 2000; i++) {
    const text = i % 2
      ? sample.slice(0, Math.floor(Math.random() * sample.length))
      : String.fromCharCode(...Array.from({ length: 200 }, () => Math.floor(Math.random() * 128)));
    const lines = parseTrustFile(text);
    for (const l of lines) {
      assert(!l.text.includes("\n"));
      if (l.fingerprint) assert(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/.test(l.fingerprint));
    }
    assertEquals(parseTrustFile(formatTrustFile(lines)), lines, "canonical form is stable");
  }
});
