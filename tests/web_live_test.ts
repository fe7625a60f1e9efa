/**
 * The live view over a real socket: rows arrive as server-sent events, and stopping the Webservice
 * ends open streams instead of waiting for them.
 */
import { assert, assertMatch } from "./helpers/assert.ts";
import { startDevWeb } from "./browser_harness.ts";

Deno.test({
  name: "web live: rows stream as server-sent events; stop does not hang on open streams",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const web = await startDevWeb("live-password-1", { liveEveryMs: 100, requests: 10 });
    let stopped = false;
    try {
      let r = await fetch(`${web.url}/api/session`);
      const csrf = r.headers.getSetCookie()[0]!.split(";")[0]!;
      await r.body?.cancel();
      r = await fetch(`${web.url}/api/login`, {
        method: "POST",
        headers: { cookie: csrf, "x-csrf-token": csrf.split("=")[1]!, "content-type": "application/json" },
        body: JSON.stringify({ name: "admin", password: "live-password-1" }),
      });
      const session = r.headers.getSetCookie()[0]!.split(";")[0]!;
      await r.body?.cancel();
      const live = await fetch(`${web.url}/api/live?pool=1`, { headers: { cookie: `${csrf}; ${session}` } });
      assertMatch(live.headers.get("content-type") ?? "", /text\/event-stream/);
      const reader = live.body!.getReader();
      let text = "";
      while (!text.includes("event: requests")) text += new TextDecoder().decode((await reader.read()).value);
      assertMatch(text, /"requestId":"[0-9a-f]{32}"/);
      const t0 = performance.now();
      await web.stop();
      stopped = true;
      assert(performance.now() - t0 < 3000, `stop took ${Math.round(performance.now() - t0)} ms`);
      await reader.cancel().catch(() => {});
    } finally {
      if (!stopped) await web.stop();
    }
  },
});
