import { assert, assertEquals, assertMatch } from "../../tests/helpers/assert.ts";
import { logSink } from "../log.ts";
import { runCertCli } from "./cert_cli.ts";
import { readTrustFile } from "./trust_file.ts";

logSink.level = "error";

async function cli(etc: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCertCli(["--", "--etc", etc, ...args], {}, (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join("\n"), err: err.join("\n") };
}

Deno.test("cert command: init, show, list, trust, untrust, regenerate, reset-agent, accept-agent", async () => {
  const etc = await Deno.makeTempDir();
  try {
    assertEquals((await cli(etc, "init", "server", "webserver")).code, 0);
    const shown = await cli(etc, "show", "webserver");
    const client = /client ([0-9A-F:]{95})/.exec(shown.out)![1]!;
    assertEquals((await cli(etc, "list", "server")).out, client);
    const fp = "ab".repeat(32);
    assertMatch(
      (await cli(etc, "trust", "agent", `sha256 Fingerprint=${fp}`, "primary", "server")).out,
      /^trusted AB:AB/,
    );
    assertEquals(
      await Deno.readTextFile(`${etc}/agent/trusted_certificates.cfg`),
      `# primary server\n${"AB:".repeat(31)}AB\n`,
    );
    assertMatch((await cli(etc, "untrust", "agent", fp)).out, /^untrusted/);
    assertEquals(await readTrustFile(`${etc}/agent/trusted_certificates.cfg`), []);

    const regen = await cli(etc, "regenerate", "webserver");
    assertEquals(regen.code, 0, regen.err);
    const renewed = new RegExp(`client ${client} -> ([0-9A-F:]{95})`).exec(regen.out)![1]!;
    assertEquals(await readTrustFile(`${etc}/server/trusted_certificates.cfg`), [renewed]);

    assertMatch((await cli(etc, "reset-agent")).out, /trusted on first use/);
    const accept = await cli(etc, "accept-agent", "db-01");
    assertEquals(accept.code, 1);
    assertMatch(accept.err, /requires the server database/);
    const hooked = await runCertCli(["accept-agent", "db-01"], {
      acceptAgent: (n) => Promise.resolve(`accepted ${n}`),
    }, (l) => assertEquals(l, "accepted db-01"));
    assertEquals(hooked, 0);

    const bad = await cli(etc, "trust", "nosuch", fp);
    assert(bad.code === 1 && bad.err.includes('Unknown service "nosuch"'), bad.err);
    assertEquals((await cli(etc, "frobnicate")).code, 2);
    assertEquals((await cli(etc, "trust", "agent")).code, 2);
  } finally {
    await Deno.remove(etc, { recursive: true });
  }
});
