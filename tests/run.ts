/**
 * `deno task test`: starts one throwaway PostgreSQL cluster for the whole suite, runs `deno test`
 * with any extra arguments, and always tears the cluster down, even when tests fail or the run is
 * interrupted.
 */
import { findPostgresBin, startPostgres } from "./helpers/postgres.ts";

try {
  findPostgresBin();
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  Deno.exit(2);
}

const cluster = await startPostgres();
const stop = async () => {
  await cluster.stop().catch((e) => console.error(`cannot stop test cluster: ${e.message}`));
};
let child: Deno.ChildProcess | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    try {
      child?.kill("SIGTERM");
    } catch {
      // already gone
    }
    await stop();
    Deno.exit(130);
  });
}
let code = 1;
try {
  const args = ["test", "--allow-all", "--parallel", ...Deno.args];
  child = new Deno.Command(Deno.execPath(), {
    args,
    env: { SONDE_TEST_PG_URL: cluster.url, NO_COLOR: Deno.env.get("NO_COLOR") ?? "1" },
    stdin: "null",
  }).spawn();
  code = (await child.status).code;
} finally {
  await stop();
}
Deno.exit(code);
