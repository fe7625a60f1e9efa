/**
 * Registers agents by name and address (from a file or the command line); existing ones keep their id,
 * cursor and pinned fingerprint and only get their address updated.
 * @module
 */
import type { ConfigRepo } from "./config/repo.ts";
import type { Store } from "@sonde/shared/db";

/** Registers or updates agents; returns their ids by name. */
export async function registerAgents(
  store: Store,
  config: ConfigRepo,
  agents: { name: string; address: string }[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const a of agents) {
    const found = await store.db.selectFrom("agent").select(["id", "address"]).where("name", "=", a.name)
      .executeTakeFirst();
    if (found && found.address === a.address) ids.set(a.name, found.id);
    else {
      const stored = await config.put("agent", found?.id ?? null, { name: a.name, address: a.address }) as {
        id: number;
      };
      ids.set(a.name, stored.id);
    }
  }
  return ids;
}
