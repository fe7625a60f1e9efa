/**
 * Command checks with real Monitoring Plugins (Debian `monitoring-plugins`) and real processes.
 */
import { assert, assertEquals, assertMatch } from "../../tests/helpers/assert.ts";
import type { CheckSpecOf } from "@sonde/shared/wire/agent_config";
import { runCheck } from "./runner.ts";

const PLUGINS = "/usr/lib/nagios/plugins";
const ctx = { latest: () => undefined };
const spec = (command: string[], timeoutMs = 10_000): CheckSpecOf<"command"> => ({
  id: "cmd",
  type: "command",
  intervalMs: 60_000,
  timeoutMs,
  params: { command },
});

Deno.test("command: check_tcp against a local listener is OK with time perfdata; a closed port is CRITICAL", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepting = (async () => {
    for await (const conn of listener) conn.close();
  })();
  const port = (listener.addr as Deno.NetAddr).port;
  const ok = await runCheck(spec([`${PLUGINS}/check_tcp`, "-H", "127.0.0.1", "-p", String(port)]), ctx);
  assertEquals(ok.state, "OK");
  assertMatch(
    ok.message,
    new RegExp(`^TCP OK - [\\d.]+ second response time on 127\\.0\\.0\\.1 port ${port}`),
  );
  const time = ok.perfdata?.find((p) => p.label === "time");
  assert(time && time.uom === "s" && time.value >= 0 && time.min === 0, JSON.stringify(ok.perfdata));
  listener.close();
  await accepting.catch(() => {});
  const down = await runCheck(spec([`${PLUGINS}/check_tcp`, "-H", "127.0.0.1", "-p", String(port)]), ctx);
  assertEquals(down.state, "CRITICAL");
  assertMatch(down.message, /Connection refused/);
});

Deno.test("command: check_http against a local Deno.serve records state, message and perfdata", async () => {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) =>
      new URL(req.url).pathname === "/missing"
        ? new Response("no", { status: 404 })
        : new Response("hello sonde"),
  );
  const port = String(server.addr.port);
  const ok = await runCheck(
    spec([`${PLUGINS}/check_http`, "-H", "127.0.0.1", "-p", port, "-s", "sonde"]),
    ctx,
  );
  assertEquals(ok.state, "OK", ok.message);
  assertMatch(ok.message, /^HTTP OK: HTTP\/1\.1 200 OK - \d+ bytes in [\d.]+ second response time$/);
  assertEquals(ok.perfdata?.map((p) => p.label), ["time", "size"]);
  assertEquals(ok.perfdata?.[0]?.uom, "s");
  assertEquals(ok.perfdata?.[1]?.uom, "B");
  const missing = await runCheck(
    spec([`${PLUGINS}/check_http`, "-H", "127.0.0.1", "-p", port, "-u", "/missing"]),
    ctx,
  );
  assertEquals(missing.state, "WARNING", missing.message); // check_http: 4xx is WARNING, 5xx CRITICAL
  assertMatch(missing.message, /^HTTP WARNING: HTTP\/1\.1 404 Not Found/);
  const keyword = await runCheck(
    spec([`${PLUGINS}/check_http`, "-H", "127.0.0.1", "-p", port, "-s", "absent"]),
    ctx,
  );
  assertEquals(keyword.state, "CRITICAL");
  assertMatch(keyword.message, /string 'absent' not found/);
});

Deno.test("command: check_disk on / gives the state its thresholds say, perfdata in bytes", async () => {
  const ok = await runCheck(spec([`${PLUGINS}/check_disk`, "-w", "1%", "-c", "0%", "-p", "/"]), ctx);
  assertEquals(ok.state, "OK", ok.message);
  assertMatch(ok.message, /^DISK OK - free space: \/ \d+ ?MiB/);
  const root = ok.perfdata?.find((p) => p.label === "/");
  assert(root && root.uom === "B" && root.value > 0 && root.max! > root.value, JSON.stringify(ok.perfdata));
  const crit = await runCheck(spec([`${PLUGINS}/check_disk`, "-w", "100%", "-c", "100%", "-p", "/"]), ctx);
  assertEquals(crit.state, "CRITICAL", crit.message);
  assertMatch(crit.message, /^DISK CRITICAL/);
});

Deno.test("command: exit codes 0–3 map to states, anything else is UNKNOWN with the code", async () => {
  const states = [];
  for (const code of [0, 1, 2, 3, 4, 127]) {
    const r = await runCheck(spec(["sh", "-c", `echo "line one|x=1\nline two"; exit ${code}`]), ctx);
    states.push(r.state);
    if (code > 3) assertMatch(r.message, new RegExp(`exited with code ${code}: line one`));
    else assertEquals([r.message, r.perfdata], ["line one", [{ label: "x", value: 1 }]]);
  }
  assertEquals(states, ["OK", "WARNING", "CRITICAL", "UNKNOWN", "UNKNOWN", "UNKNOWN"]);
});

Deno.test("command: a missing program is UNKNOWN with the reason", async () => {
  const r = await runCheck(spec(["/nonexistent/check_nothing"]), ctx);
  assertEquals(r.state, "UNKNOWN");
  assertMatch(r.message, /Cannot run "\/nonexistent\/check_nothing"/);
});

Deno.test("command: a hanging command is killed at the timeout, with its children, and is UNKNOWN", async () => {
  const marker = `sondehang${Math.floor(Math.random() * 1e6)}`;
  const t0 = performance.now();
  const r = await runCheck(spec(["sh", "-c", `sleep 60 # ${marker}\necho never`], 300), ctx);
  const took = performance.now() - t0;
  assertEquals(r.state, "UNKNOWN");
  assertMatch(r.message, /command check "cmd" timed out after 300 ms/);
  assert(took < 1500, `returned after ${took} ms`);
  await new Promise((res) => setTimeout(res, 700));
  const ps = await new Deno.Command("pgrep", { args: ["-f", marker], stdout: "piped" }).output();
  assertEquals(new TextDecoder().decode(ps.stdout).trim(), "", "no process of the check is left");
});

Deno.test("command: a plugin that ignores SIGTERM is killed with SIGKILL", async () => {
  const marker = `sondestubborn${Math.floor(Math.random() * 1e6)}`;
  const r = await runCheck(spec(["sh", "-c", `trap '' TERM; sleep 60 # ${marker}\ntrue`], 200), ctx);
  assertEquals(r.state, "UNKNOWN");
  await new Promise((res) => setTimeout(res, 1000));
  const ps = await new Deno.Command("pgrep", { args: ["-f", marker], stdout: "piped" }).output();
  assertEquals(new TextDecoder().decode(ps.stdout).trim(), "");
});
