import { assertEquals } from "../../tests/helpers/assert.ts";
import { parseAgentConfig } from "@sonde/shared/wire/agent_config";
import { agentConfigProblems } from "./validate.ts";

Deno.test("validate: formula syntax and duplicate keys are reported with their paths", () => {
  const config = parseAgentConfig({
    counters: {
      formulas: [
        { key: "a", expr: "100 * mem.used / mem.total" },
        { key: "b", expr: "(1 +" },
        { key: "a", expr: "1" },
      ],
    },
    checks: [{ id: "x", type: "counter", params: { key: "load.1", warn: "~:4", crit: "@1:2" } }],
  });
  assertEquals(agentConfigProblems(config), [
    'counters.formulas[1].expr: Cannot parse formula "(1 +": unexpected end at position 4',
    'counters.formulas[2].key: "a" is defined twice',
  ]);
});

Deno.test("validate: a valid configuration has no problems", () => {
  assertEquals(agentConfigProblems(parseAgentConfig({})), []);
});
