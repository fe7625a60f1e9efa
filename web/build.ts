/**
 * Bundles the browser client (`web/client/main.tsx`, Preact + uPlot) with esbuild into
 * `web/client/dist/`: `index.html`, `assets/app-<hash>.js`, `assets/app-<hash>.css`. Run at start-up
 * when the bundle is missing or older than a source file; `deno run -A web/build.ts` builds by hand.
 * @module
 */
import * as esbuild from "esbuild";
import { createLogger } from "@sonde/shared/log";

const log = createLogger("web/build");
const clientDir = new URL("./client/", import.meta.url).pathname;

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for await (const e of Deno.readDir(dir)) {
    if (e.name === "dist") continue;
    const path = `${dir}/${e.name}`;
    newest = Math.max(
      newest,
      e.isDirectory ? await newestMtime(path) : (await Deno.stat(path)).mtime?.getTime() ?? 0,
    );
  }
  return newest;
}

/** Whether `outDir/index.html` is missing or older than any client source. */
export async function clientStale(outDir = `${clientDir}dist`): Promise<boolean> {
  try {
    const built = (await Deno.stat(`${outDir}/index.html`)).mtime?.getTime() ?? 0;
    return built < (await newestMtime(clientDir));
  } catch {
    return true;
  }
}

/** Builds the client into `outDir`; returns the JS and CSS sizes in bytes. */
export async function buildClient(
  outDir = `${clientDir}dist`,
  minify = true,
): Promise<{ js: number; css: number }> {
  const t0 = performance.now();
  const result = await esbuild.build({
    entryPoints: { app: `${clientDir}main.tsx`, style: `${clientDir}style.css` },
    bundle: true,
    format: "esm",
    minify,
    sourcemap: false,
    jsx: "automatic",
    jsxImportSource: "preact",
    target: ["chrome110", "firefox115", "safari16"],
    outdir: `${outDir}/assets`,
    entryNames: "[name]-[hash]",
    metafile: true,
    write: true,
    logLevel: "silent",
    nodePaths: [new URL("../node_modules", import.meta.url).pathname],
  });
  await esbuild.stop();
  const outputs = Object.entries(result.metafile.outputs);
  const js = outputs.find(([p]) => p.endsWith(".js"))!;
  const css = outputs.find(([p]) => p.endsWith(".css"));
  const name = (p: string) => p.slice(p.lastIndexOf("/") + 1);
  const html = (await Deno.readTextFile(`${clientDir}index.html`))
    .replace("%APP_JS%", `/assets/${name(js[0])}`)
    .replace("%APP_CSS%", css ? `/assets/${name(css[0])}` : "");
  await Deno.writeTextFile(`${outDir}/index.html`, html);
  log.info("client built", {
    ms: Math.round(performance.now() - t0),
    jsBytes: js[1].bytes,
    cssBytes: css?.[1].bytes ?? 0,
  });
  return { js: js[1].bytes, css: css?.[1].bytes ?? 0 };
}

/** Builds the client when it is missing or stale. */
export async function ensureClient(outDir = `${clientDir}dist`): Promise<void> {
  if (!(await clientStale(outDir))) return;
  try {
    await buildClient(outDir);
  } catch (e) {
    throw new Error(
      `Cannot build the web client with esbuild: ${e instanceof Error ? e.message : e} ` +
        "(it needs --allow-run; or build once with deno run -A web/build.ts)",
    );
  }
}

if (import.meta.main) await buildClient();
