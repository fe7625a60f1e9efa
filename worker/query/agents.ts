/**
 * Agents and their pull status as the Server recorded it.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "@sonde/shared/db";
import type { AgentInfo, AgentState } from "@sonde/shared/api";

const STATES: readonly AgentState[] = ["ok", "unreachable", "new", "fingerprint_changed"];

/** Every agent, by name. */
export async function listAgents(db: Kysely<Database>): Promise<AgentInfo[]> {
  const rows = await db.selectFrom("agent")
    .select([
      "id",
      "name",
      "address",
      "state",
      "last_ok_at",
      "acked_seq",
      "agent_last_seq",
      "oldest_age_s",
      "version",
      "fingerprint",
      "pending_fingerprint",
      "config_version",
    ])
    .orderBy("name").execute();
  return rows.map((r) => {
    const info: AgentInfo = {
      id: r.id,
      name: r.name,
      address: r.address,
      state: (STATES as readonly string[]).includes(r.state) ? r.state as AgentState : "unreachable",
      lagRecords: Math.max(0, Number(r.agent_last_seq) - Number(r.acked_seq)),
      lagSeconds: Number(r.oldest_age_s),
      version: r.version ?? "",
      configVersion: r.config_version,
    };
    if (r.last_ok_at) info.lastPullAt = new Date(r.last_ok_at).toISOString();
    if (r.fingerprint) info.fingerprint = r.fingerprint;
    if (r.pending_fingerprint) info.pendingFingerprint = r.pending_fingerprint;
    return info;
  });
}
