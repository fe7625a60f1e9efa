import { assert, assertEquals, assertNotEquals } from "../../tests/helpers/assert.ts";
import { createLogger, logSink } from "../log.ts";
import { ensureServiceIdentity, IDENTITY_FILES, trustDependents } from "./identity.ts";
import { readTrustFile } from "./trust_file.ts";

const quiet = createLogger("test");
logSink.level = "error";

Deno.test("the trust table: who must list whose client certificate", () => {
  assertEquals(trustDependents("server"), ["worker", "ecomm"]);
  assertEquals(trustDependents("worker"), ["server", "ecomm"]);
  assertEquals(trustDependents("webserver"), ["server", "worker"]);
  assertEquals(trustDependents("ecomm"), ["server"]);
  assertEquals(trustDependents("agent"), []);
});

Deno.test("ensureServiceIdentity creates certificates once and wires dependents' trust files", async () => {
  const etc = await Deno.makeTempDir();
  try {
    const worker = await ensureServiceIdentity(etc, "worker", quiet);
    assertEquals(
      (await Deno.readTextFile(`${etc}/worker/${IDENTITY_FILES.fingerprint}`)).trim(),
      worker.client.fingerprint,
    );
    assertNotEquals(worker.client.fingerprint, worker.server.fingerprint);
    assertEquals(await readTrustFile(`${etc}/server/trusted_certificates.cfg`), [worker.client.fingerprint]);
    assertEquals(await readTrustFile(`${etc}/ecomm/trusted_certificates.cfg`), [worker.client.fingerprint]);
    assertEquals((Deno.statSync(`${etc}/worker/cli_certificate.pem`).mode ?? 0) & 0o777, 0o600);

    const again = await ensureServiceIdentity(etc, "worker", quiet);
    assertEquals(again.client.fingerprint, worker.client.fingerprint, "valid certificates are kept");
    assertEquals(await readTrustFile(`${etc}/server/trusted_certificates.cfg`), [worker.client.fingerprint]);

    // delete the client certificate: a new one replaces the old fingerprint in dependents' files
    await Deno.remove(`${etc}/worker/cli_certificate.pem`);
    await Deno.writeTextFile(`${etc}/worker/srv_certificate.pem`, "broken");
    const renewed = await ensureServiceIdentity(etc, "worker", quiet);
    assertNotEquals(renewed.client.fingerprint, worker.client.fingerprint);
    assertNotEquals(renewed.server.fingerprint, worker.server.fingerprint);
    for (const callee of ["server", "ecomm"]) {
      assertEquals(await readTrustFile(`${etc}/${callee}/trusted_certificates.cfg`), [
        renewed.client.fingerprint,
      ]);
    }
    assertEquals(
      (await Deno.readTextFile(`${etc}/worker/${IDENTITY_FILES.fingerprint}`)).trim(),
      renewed.client.fingerprint,
    );
  } finally {
    await Deno.remove(etc, { recursive: true });
  }
});

Deno.test("a certificate replaced by hand (standby copy) retires the recorded fingerprint", async () => {
  const etcA = await Deno.makeTempDir();
  const etcB = await Deno.makeTempDir();
  try {
    const a = await ensureServiceIdentity(etcA, "server", quiet);
    const b = await ensureServiceIdentity(etcB, "server", quiet);
    await Deno.copyFile(`${etcA}/server/cli_certificate.pem`, `${etcB}/server/cli_certificate.pem`);
    const standby = await ensureServiceIdentity(etcB, "server", quiet);
    assertEquals(standby.client.fingerprint, a.client.fingerprint);
    const listed = await readTrustFile(`${etcB}/worker/trusted_certificates.cfg`);
    assertEquals(listed, [a.client.fingerprint]);
    assert(!listed.includes(b.client.fingerprint));
  } finally {
    await Deno.remove(etcA, { recursive: true });
    await Deno.remove(etcB, { recursive: true });
  }
});
