import { assertEquals, assertMatch } from "./helpers/assert.ts";
import { createTestDatabase } from "./helpers/store.ts";

const CLI = new URL("../server/agents_cli.ts", import.meta.url).pathname;

async function cli(url: string, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "--database-url", url, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    out: new TextDecoder().decode(out.stdout),
    err: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("the agents command registers, lists, exports and re-imports agents", async () => {
  const url = await createTestDatabase();
  assertEquals((await cli(url, "add", "db-01", "10.0.0.5:4100")).code, 0);
  assertEquals((await cli(url, "add", "web-01", "127.0.0.1:4100")).code, 0);
  const list = await cli(url, "list");
  assertMatch(list.out, /db-01\t10\.0\.0\.5:4100\tnew\tnever\tlag 0\t-\t\(not pinned\)/);
  const file = await Deno.makeTempFile({ suffix: ".json" });
  assertEquals((await cli(url, "export", file)).code, 0);
  const doc = JSON.parse(await Deno.readTextFile(file));
  assertEquals(doc.agents.map((a: { name: string }) => a.name), ["db-01", "web-01"]);
  assertEquals((await cli(url, "remove", "db-01")).code, 0);
  assertEquals((await cli(url, "import", file)).code, 0);
  assertMatch((await cli(url, "list")).out, /db-01/);
  const bad = await cli(url, "add", "x", "no-port");
  assertEquals(bad.code, 2);
  assertMatch(bad.err, /address: must be HOST:PORT/);
  const accept = await cli(url, "accept", "web-01");
  assertEquals(accept.code, 2);
  assertMatch(accept.err, /no changed certificate waiting/);
  await Deno.remove(file);
});
