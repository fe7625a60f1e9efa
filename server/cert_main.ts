/**
 * `deno task cert -- <command>`: the shared certificate command, with `accept-agent <name>` wired to
 * the Server's database (`DATABASE_URL`, or the embedded database in `SONDE_DATA`, by default the
 * folder above `--etc`). Stop `deno task start` first when it uses the embedded database.
 */
import { dirname } from "node:path";
import { openStore } from "@sonde/shared/db";
import { runCertCli } from "@sonde/shared/trust/cert_cli";
import { acceptPendingFingerprint } from "./pull/pinning.ts";

Deno.exit(
  await runCertCli(Deno.args, {
    acceptAgent: async (name, etc) => {
      const store = await openStore({
        databaseUrl: Deno.env.get("DATABASE_URL"),
        dataDir: Deno.env.get("SONDE_DATA") ?? dirname(etc),
      });
      try {
        const row = await store.db.selectFrom("agent").select(["id", "pending_fingerprint"]).where(
          "name",
          "=",
          name,
        )
          .executeTakeFirst();
        if (!row) throw new Error(`no agent is called "${name}"`);
        if (!(await acceptPendingFingerprint(store.db, row.id))) {
          throw new Error(`agent "${name}" has no changed certificate waiting`);
        }
        return `agent ${name}: now trusting ${row.pending_fingerprint}`;
      } finally {
        await store.close();
      }
    },
  }),
);
