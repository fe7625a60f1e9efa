import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { storeTest } from "../../tests/helpers/store.ts";
import { ValidationError } from "@sonde/shared/errors";
import { ConfigRepo } from "./repo.ts";

async function sample(repo: ConfigRepo) {
  const agent = await repo.put("agent", null, { name: "db-01", address: "127.0.0.1:4100" }) as { id: number };
  const top = await repo.put("group", null, { name: "Shop" }) as { id: number };
  const sub = await repo.put("group", null, {
    name: "Backend",
    parentId: top.id,
    rule: { type: "percent", criticalPct: 50 },
  }) as {
    id: number;
  };
  await repo.put("service", null, {
    name: "PostgreSQL",
    agentId: agent.id,
    groupId: sub.id,
    checks: [
      { name: "port", type: "tcp", intervalMs: "30s", params: { host: "127.0.0.1", port: 5432 } },
      {
        name: "cpu",
        type: "counter",
        intervalMs: 10000,
        params: { key: "cpu.busy_pct", warn: "80", crit: "95" },
      },
    ],
  });
  await repo.put("logPool", null, {
    name: "web",
    applications: ["shop*"],
    columns: [{ name: "URL", parameter: "url" }],
  });
  await repo.put("settings", null, {
    name: "Prod",
    url: "https://sonde.example.org",
    timeZone: "Europe/Vienna",
  });
  return agent.id;
}

storeTest("configuration export → wipe → import gives an identical configuration", async (store) => {
  const repo = new ConfigRepo(store.db);
  const agentId = await sample(repo);
  const before = await repo.exportDocument();
  assertEquals(before.services[0]!.checks.length, 2);
  const v1 = await repo.version();
  await repo.importDocument({ version: 1 });
  const empty = await repo.exportDocument();
  assertEquals([empty.agents.length, empty.services.length, empty.groups.length], [0, 0, 0]);
  await repo.importDocument(JSON.parse(JSON.stringify(before)));
  assertEquals(await repo.exportDocument(), before);
  assert((await repo.version()) > v1, "every change bumps the version");
  // new objects get fresh ids after the import
  const next = await repo.put("group", null, { name: "Later" }) as { id: number };
  assert(next.id > Math.max(...before.groups.map((g) => g.id!)));
  const { config } = await repo.agentConfig(agentId);
  assertEquals(config.checks.map((c) => c.type).sort(), ["counter", "tcp"]);
});

storeTest("invalid configuration is refused with a message naming each problem", async (store) => {
  const repo = new ConfigRepo(store.db);
  const err = await assertRejects(() =>
    repo.importDocument({
      version: 1,
      agents: [{ id: 1, name: "a", address: "no-port" }],
      groups: [{ id: 1, name: "", parentId: 9 }],
      services: [{
        id: 1,
        name: "svc",
        agentId: 7,
        checks: [{ id: 1, name: "web", type: "http", params: { url: "ftp://x" } }],
      }],
      settings: { timeZone: "Mars/Olympus" },
      colour: "blue",
    })
  );
  assert(err instanceof ValidationError);
  const text = err.problems.join("\n");
  for (
    const part of [
      "agents[0].address",
      "groups[0].name",
      "groups[0].parentId",
      "services[0].agentId",
      "services[0].checks[0].params.url",
      "settings.timeZone",
      "colour",
    ]
  ) assert(text.includes(part), `missing ${part} in\n${text}`);
  assertEquals((await repo.exportDocument()).agents, [], "nothing was half-imported");
  await assertRejects(
    () => repo.put("check", null, { name: "x", type: "tcp", serviceId: 99, params: { host: "h", port: 1 } }),
    "serviceId",
  );
}, ["postgres"]);

storeTest("an application registering creates its groups and service once", async (store) => {
  const repo = new ConfigRepo(store.db);
  const app = { appName: "shop", appId: "1", appTierName: "web", appTierId: "web-01" };
  const a = await repo.ensureAppServices(app, null);
  const b = await repo.ensureAppServices(app, null);
  assertEquals(a, b);
  const doc = await repo.exportDocument();
  assertEquals(doc.groups.map((g) => g.name), ["shop 1", "web"]);
  assertEquals(doc.services.map((s) => s.name), ["web-01"]);
}, ["postgres"]);
