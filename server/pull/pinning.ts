/**
 * Pins each agent's server-certificate fingerprint on first contact (as SSH does with known_hosts)
 * and refuses a changed one until an operator accepts it.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "@sonde/shared/db";
import type { Logger } from "@sonde/shared/log";

/** Returns the pin function the Server's mTLS client uses for agents. */
export function agentPinner(
  db: Kysely<Database>,
  log: Logger,
): (fp: string, origin: string) => Promise<boolean> {
  return async (fp, origin) => {
    // node lower-cases host names in the origin: compare addresses the same way
    const hostPort = origin.replace(/^https:\/\//, "").toLowerCase();
    const bare = hostPort.replace(/^\[([^\]]+)\]/, "$1");
    const agent = await db.selectFrom("agent").select(["id", "name", "fingerprint", "pending_fingerprint"])
      .where(sql<string>`lower(address)`, "in", [hostPort, bare])
      .executeTakeFirst();
    if (!agent) return false;
    if (agent.fingerprint === null) {
      const r = await db.updateTable("agent").set({ fingerprint: fp }).where("id", "=", agent.id)
        .where("fingerprint", "is", null).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) {
        log.info("agent fingerprint pinned on first contact", { agent: agent.name, fingerprint: fp });
        return true;
      }
      const again = await db.selectFrom("agent").select("fingerprint").where("id", "=", agent.id)
        .executeTakeFirst();
      return again?.fingerprint === fp;
    }
    if (agent.fingerprint === fp) return true;
    if (agent.pending_fingerprint !== fp) {
      await db.updateTable("agent").set({ pending_fingerprint: fp, state: "fingerprint_changed" })
        .where("id", "=", agent.id).execute();
      log.warn("agent presented a changed certificate; refused until an operator accepts it", {
        agent: agent.name,
        pinned: agent.fingerprint,
        presented: fp,
      });
    }
    return false;
  };
}

/** Accepts an agent's pending (changed) fingerprint. Returns false when none was pending. */
export async function acceptPendingFingerprint(db: Kysely<Database>, agentId: number): Promise<boolean> {
  const r = await db.updateTable("agent")
    .set((eb) => ({
      fingerprint: eb.ref("pending_fingerprint"),
      pending_fingerprint: null,
      state: "new",
      failures: 0,
    }))
    .where("id", "=", agentId).where("pending_fingerprint", "is not", null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
