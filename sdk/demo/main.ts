/**
 * Runs the three-tier demo and sends one request per second:
 * `deno run -A sdk/demo/main.ts [--web-agent URL] [--api-agent URL] [--db-agent URL] [--port 8080]`.
 * @module
 */
import { DEFAULT_AGENT_URL } from "../mod.ts";
import { startDemo } from "./tiers.ts";

function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

const demo = startDemo({
  agents: {
    web: flag("web-agent") ?? DEFAULT_AGENT_URL,
    api: flag("api-agent") ?? DEFAULT_AGENT_URL,
    db: flag("db-agent") ?? DEFAULT_AGENT_URL,
  },
  webPort: Number(flag("port") ?? 8080),
});
console.log(`demo shop on ${demo.url}/checkout`);
const timer = setInterval(() => {
  fetch(`${demo.url}/checkout?user=demo`).then((r) => r.body?.cancel()).catch(() => {});
}, 1000);
Deno.addSignalListener("SIGINT", async () => {
  clearInterval(timer);
  await demo.stop();
  console.log(
    JSON.stringify({ web: demo.tiers.web.stats(), api: demo.tiers.api.stats(), db: demo.tiers.db.stats() }),
  );
  Deno.exit(0);
});
