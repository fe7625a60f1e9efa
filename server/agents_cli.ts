/**
 * `deno task agents -- <command>`: register and inspect agents in the Server's database.
 *
 *   list                      agents with state, last pull, lag, version and fingerprints
 *   add NAME HOST:PORT        register (or move) an agent
 *   remove NAME               forget an agent and its services
 *   accept NAME               accept the changed certificate an agent presented
 *   export [FILE]             write the whole configuration as JSON (stdout without FILE)
 *   import FILE               replace the whole configuration from a JSON document
 *
 * Flags: --data DIR (embedded database; stop `deno task start` first) or --database-url URL.
 */
import { loadConfig, type Schema } from "@sonde/shared/config";
import { openStore } from "@sonde/shared/db";
import { errorMessage, ValidationError } from "@sonde/shared/errors";
import { ConfigRepo } from "./config/repo.ts";
import { acceptPendingFingerprint } from "./pull/pinning.ts";
import { registerAgents } from "./register.ts";

const schema = {
  data: { type: "path", default: "./data", env: "SONDE_DATA", help: "data folder of the embedded database" },
  databaseUrl: { type: "url", env: "DATABASE_URL", flag: "database-url", help: "PostgreSQL URL" },
} satisfies Schema;

const positional = Deno.args.filter((a, i) => !a.startsWith("--") && !Deno.args[i - 1]?.startsWith("--"));
const flags = Deno.args.filter((a) => !positional.includes(a));
const [command, ...rest] = positional;

async function main(): Promise<number> {
  const c = loadConfig(schema, { args: flags });
  const store = await openStore({ databaseUrl: c.databaseUrl, dataDir: c.data });
  const repo = new ConfigRepo(store.db);
  try {
    switch (command) {
      case "list": {
        const rows = await store.db.selectFrom("agent").selectAll().orderBy("name").execute();
        for (const a of rows) {
          const lag = Math.max(0, a.agent_last_seq - a.acked_seq);
          console.log(
            [
              a.name,
              a.address,
              a.state,
              a.last_ok_at?.toISOString() ?? "never",
              `lag ${lag}`,
              a.version ?? "-",
              a.fingerprint ?? "(not pinned)",
            ]
              .join("\t") +
              (a.pending_fingerprint ? `\tCHANGED TO ${a.pending_fingerprint} (run: accept ${a.name})` : ""),
          );
        }
        return 0;
      }
      case "add": {
        const [name, address] = rest;
        if (!name || !address) throw new ValidationError("usage: add NAME HOST:PORT");
        const ids = await registerAgents(store, repo, [{ name, address }]);
        console.log(`agent ${name} registered as ${ids.get(name)} at ${address}`);
        return 0;
      }
      case "remove": {
        const row = await store.db.selectFrom("agent").select("id").where("name", "=", rest[0] ?? "")
          .executeTakeFirst();
        if (!row) throw new ValidationError(`no agent is called "${rest[0]}"`);
        await repo.delete("agent", row.id);
        console.log(`agent ${rest[0]} removed`);
        return 0;
      }
      case "accept": {
        const row = await store.db.selectFrom("agent").select(["id", "pending_fingerprint"]).where(
          "name",
          "=",
          rest[0] ?? "",
        )
          .executeTakeFirst();
        if (!row) throw new ValidationError(`no agent is called "${rest[0]}"`);
        if (!(await acceptPendingFingerprint(store.db, row.id))) {
          throw new ValidationError(`agent ${rest[0]} has no changed certificate waiting`);
        }
        console.log(`agent ${rest[0]}: now trusting ${row.pending_fingerprint}`);
        return 0;
      }
      case "export": {
        const text = JSON.stringify(await repo.exportDocument(), null, 2) + "\n";
        if (rest[0]) await Deno.writeTextFile(rest[0], text);
        else console.log(text);
        return 0;
      }
      case "import": {
        if (!rest[0]) throw new ValidationError("usage: import FILE");
        await repo.importDocument(JSON.parse(await Deno.readTextFile(rest[0])));
        console.log(`configuration imported from ${rest[0]}`);
        return 0;
      }
      default:
        console.error(
          "usage: deno task agents -- list | add NAME HOST:PORT | remove NAME | accept NAME | export [FILE] | import FILE",
        );
        return 2;
    }
  } finally {
    await store.close();
  }
}

try {
  Deno.exit(await main());
} catch (e) {
  const problems = e instanceof ValidationError ? e.problems : [errorMessage(e)];
  console.error(`sonde agents: ${problems.join("\n  ")}`);
  Deno.exit(e instanceof ValidationError ? 2 : 1);
}
