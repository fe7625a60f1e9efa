/**
 * `deno task agent -- --etc DIR --data DIR --listen HOST:PORT [--config FILE]`: the Sonde agent.
 * Starts with no server: collects the persisted configuration (or the local one, or the default set)
 * from the first minute; a server pulls it over mTLS. SIGTERM / SIGINT stop it cleanly.
 * @module
 */
import { configHelp } from "@sonde/shared/config";
import { runServices, startProcess } from "@sonde/shared/service";
import { journalIntake } from "./journal_intake.ts";
import { startAgent } from "./agent.ts";
import { AGENT_SCHEMA, loadAgentSettings } from "./serve/settings.ts";

if (Deno.args.includes("--help")) {
  console.log(
    `sonde agent\n\n  --config FILE              JSON with these keys, plus "collect": agent configuration\n${
      configHelp(AGENT_SCHEMA)
    }`,
  );
  Deno.exit(0);
}

const services = await startProcess("agent", async (started) => {
  const s = loadAgentSettings(Deno.args);
  started.push(
    await startAgent({
      etc: s.etc,
      data: s.data,
      listen: s.listen,
      statusListen: s.statusListen,
      localConfig: s.localConfig,
      hostname: s.hostname,
      journal: {
        maxBytes: s.journalMaxBytes,
        maxAgeMs: s.journalMaxAge,
        segmentBytes: s.journalSegmentBytes,
        fsync: s.journalFsync,
        fsyncIntervalMs: s.journalFsyncInterval,
      },
      intake: s.intake ? (journal, config) => journalIntake(journal, config, s.intakeListen) : undefined,
    }),
  );
});
await runServices("agent", services);
