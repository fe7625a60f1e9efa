import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { withFileLock } from "./files.ts";
import { writeFileAtomicSync } from "../files.ts";

Deno.test("withFileLock serializes read-modify-write cycles", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/counter`;
  try {
    await Deno.writeTextFile(path, "0");
    await Promise.all(Array.from({ length: 20 }, () =>
      withFileLock(path, async () => {
        const n = Number(await Deno.readTextFile(path));
        await new Promise((r) => setTimeout(r, 1));
        writeFileAtomicSync(path, String(n + 1));
      })));
    assertEquals(await Deno.readTextFile(path), "20");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a stale lock left by a dead process is broken; a live one times out", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/file`;
  try {
    await Deno.writeTextFile(`${path}.lock`, "12345.dead");
    const old = new Date(Date.now() - 60_000);
    await Deno.utime(`${path}.lock`, old, old);
    assertEquals(await withFileLock(path, () => Promise.resolve("got it"), { staleMs: 5_000 }), "got it");

    await Deno.writeTextFile(`${path}.lock`, "12345.alive");
    const e = await assertRejects(
      () => withFileLock(path, () => Promise.resolve(1), { timeoutMs: 200 }),
      "is held by another process",
    );
    assert(e.message.includes(`${path}.lock`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
