import { assertEquals } from "../tests/helpers/assert.ts";
import type { TelemetryConfig } from "@sonde/shared/wire/agent_config";
import type { TelemetryEvent } from "@sonde/shared/wire/types";
import { telemetryLevels } from "./telemetry_levels.ts";

const app = { appName: "shop", appId: "1", appTierName: "web", appTierId: "w1" };
function ev(requestId: string, params: TelemetryEvent["params"] = []): TelemetryEvent {
  return {
    tsUs: 1,
    app,
    pid: 1,
    tid: 1,
    module: "m",
    text: "t",
    flags: 0,
    level: 60,
    requestId,
    spanId: "0000000000000001",
    params,
  };
}

Deno.test("a recording session raises the level only for matching requests and only while it runs", () => {
  let now = 1000;
  const config: TelemetryConfig = {
    level: 50,
    levels: { other: 70 },
    sessions: [{ id: "s1", appName: "shop", filter: "user-42", level: 60, untilMs: 2000 }],
  };
  const levelFor = telemetryLevels(() => config, () => now);
  assertEquals(levelFor(ev("r1")), 50, "no filter value seen yet");
  assertEquals(levelFor(ev("r1", [{ name: "user", type: "string", value: "user-42" }])), 60);
  assertEquals(levelFor(ev("r1")), 60, "later events of a matched request follow");
  assertEquals(levelFor(ev("r2")), 50, "other requests keep the pool level");
  assertEquals(levelFor({ ...ev("r3"), app: { ...app, appName: "other" } }), 70, "per-application level");
  now = 2500;
  assertEquals(levelFor(ev("r1")), 50, "the session is over");
});
