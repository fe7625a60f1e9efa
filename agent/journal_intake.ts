/**
 * The agent's telemetry intake writing accepted event batches into the journal, as one record of kind
 * `Events` per batch. Shared by `agent/main.ts` and the all-in-one `main.ts`.
 * @module
 */
import { compactEventBatch, RecordKind } from "@sonde/shared/wire/types";
import type { Journal } from "./buffer/journal.ts";
import { type Intake, startIntake } from "./intake/mod.ts";
import { IntakeError } from "./intake/body.ts";
import type { ConfigStore } from "./serve/config_store.ts";
import { telemetryLevels } from "./telemetry_levels.ts";

/**
 * Starts the intake on `listen`, journaling what it accepts; events above the level the configuration
 * wants (log pools, recording sessions) are dropped and counted by the intake.
 */
export function journalIntake(
  journal: Journal,
  config: ConfigStore,
  listen: { hostname: string; port: number },
): Promise<Intake> {
  const enc = new TextEncoder();
  return startIntake({
    listen,
    levelFor: telemetryLevels(() => config.current.telemetry),
    sink: {
      events(batch, raw) {
        try {
          // an SDK batch accepted whole is journaled as received (it already names its app once)
          journal.append(RecordKind.Events, raw ?? enc.encode(compactEventBatch(batch)));
          return true;
        } catch (e) {
          // a batch larger than one journal record will never fit: refuse it for good (413), not as "full"
          if (e instanceof RangeError) {
            throw new IntakeError(
              413,
              "too_large",
              `Cannot accept ${batch.events.length} events: ${e.message}`,
            );
          }
          return false; // counted by the intake as refused (503, retry later)
        }
      },
    },
  });
}
