/**
 * `deno task bench [name...]`: runs every `bench/<name>_bench.ts` (or the named ones) one after the
 * other; each prints its headline figures as `BENCH <figure> <value> <unit>` lines (median of runs).
 */
const wanted = new Set(Deno.args);
const files: string[] = [];
for await (const e of Deno.readDir(new URL(".", import.meta.url))) {
  if (!e.isFile || !e.name.endsWith("_bench.ts")) continue;
  const name = e.name.slice(0, -"_bench.ts".length);
  if (wanted.size === 0 || wanted.has(name)) files.push(e.name);
}
files.sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${[...wanted].join(", ")}`);
  Deno.exit(2);
}
let failed = 0;
for (const file of files) {
  console.log(`# ${file}`);
  const status = await new Deno.Command(Deno.execPath(), {
    // the V8 setting of `deno task server` and `deno task start` (a young generation that holds a
    // pulled page's events without promoting them), since several benchmarks run the Server in-process
    args: [
      "run",
      "--allow-all",
      "--v8-flags=--max-semi-space-size=64",
      new URL(file, import.meta.url).pathname,
    ],
    stdin: "null",
  }).spawn().status;
  if (!status.success) failed++;
}
Deno.exit(failed > 0 ? 1 : 0);
