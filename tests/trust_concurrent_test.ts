/**
 * Five services starting at once on one <etc>, as separate processes, leave every trust file
 * complete and well formed; deleting certificates and starting again regenerates them and replaces
 * the old fingerprints in the dependents' files.
 */
import { assert, assertEquals } from "./helpers/assert.ts";
import { readTrustFile, TRUSTED_CALLERS } from "@sonde/shared/trust";
import { openssl } from "./trust_helpers.ts";

const SERVICES = ["server", "worker", "ecomm", "webserver", "agent"] as const;
type Prints = Record<string, { server: string; client: string }>;

async function startAll(etc: string): Promise<Prints> {
  const script = new URL("./fixtures/trust_start.ts", import.meta.url).pathname;
  const outputs = await Promise.all(SERVICES.map((service) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, etc, service],
      stdin: "null",
      env: { SONDE_LOG_LEVEL: "error" },
    }).output()
  ));
  const prints: Prints = {};
  for (const out of outputs) {
    assert(out.success, new TextDecoder().decode(out.stderr));
    const line = JSON.parse(new TextDecoder().decode(out.stdout));
    prints[line.service] = { server: line.server, client: line.client };
  }
  return prints;
}

async function assertTrustFiles(etc: string, prints: Prints): Promise<void> {
  for (const service of SERVICES) {
    const path = `${etc}/${service}/trusted_certificates.cfg`;
    const expected = TRUSTED_CALLERS[service].map((caller) => prints[caller]!.client).sort();
    assertEquals((await readTrustFile(path)).sort(), expected, path);
    if (expected.length === 0) continue;
    for (const line of (await Deno.readTextFile(path)).split("\n").slice(0, -1)) {
      assert(/^([0-9A-F]{2}:){31}[0-9A-F]{2}( # .*)?$/.test(line), `well formed line in ${path}: "${line}"`);
    }
  }
  for (const service of SERVICES) {
    const names = [...Deno.readDirSync(`${etc}/${service}`)].map((e) => e.name);
    assert(
      !names.some((n) => n.endsWith(".tmp") || n.endsWith(".lock")),
      `leftovers in ${service}: ${names}`,
    );
    const dir = `${etc}/${service}`;
    const recorded = (await Deno.readTextFile(`${dir}/cli_certificate.fingerprint`)).trim();
    assertEquals(recorded, prints[service]!.client);
    const printed = await openssl(
      ["x509", "-fingerprint", "-sha256", "-noout", "-in", "cli_certificate.pem"],
      dir,
    );
    assertEquals(
      printed.trim(),
      `sha256 Fingerprint=${recorded}`,
      "cli_certificate.fingerprint is openssl's value",
    );
    for (const file of ["cli_certificate.pem", "srv_certificate.pem"]) {
      assert(
        (await openssl(["x509", "-noout", "-text", "-in", file], dir)).includes("Public-Key: (2048 bit)"),
      );
      const verified = await openssl(["verify", "-CAfile", file, "-partial_chain", file], dir);
      assertEquals(verified.trim(), `${file}: OK`, "self-signed");
    }
  }
}

Deno.test("five services starting at once on one etc trust each other; regeneration replaces fingerprints", async () => {
  const etc = await Deno.makeTempDir({ prefix: "sonde_etc_" });
  try {
    const first = await startAll(etc);
    await assertTrustFiles(etc, first);

    await Deno.remove(`${etc}/server/cli_certificate.pem`);
    await Deno.remove(`${etc}/webserver/cli_certificate.pem`);
    const second = await startAll(etc);
    assert(second.server!.client !== first.server!.client, "server client certificate regenerated");
    assert(second.webserver!.client !== first.webserver!.client, "webserver client certificate regenerated");
    assertEquals(second.worker, first.worker, "untouched services keep their certificates");
    await assertTrustFiles(etc, second);
  } finally {
    await Deno.remove(etc, { recursive: true });
  }
});
