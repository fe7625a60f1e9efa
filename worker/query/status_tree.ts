/**
 * The status tree: one root (`g:0`, named after the server) whose children are the top-level groups
 * and the ungrouped services. Four queries, whatever the size; the tree is built in memory.
 * @module
 */
import type { Kysely } from "kysely";
import { getSetting } from "@sonde/shared/db";
import type { Database } from "@sonde/shared/db";
import type { State, StateCounts, StatusNode, StatusTree } from "@sonde/shared/api";

const STATES: readonly State[] = ["OK", "WARNING", "CRITICAL", "UNKNOWN"];

/** Reads a state name leniently; anything unknown is `UNKNOWN`. */
export function toState(value: string | null | undefined): State {
  const s = (value ?? "").toUpperCase();
  return (STATES as readonly string[]).includes(s) ? s as State : "UNKNOWN";
}

/** Zero counts. */
export function emptyCounts(): StateCounts {
  return { OK: 0, WARNING: 0, CRITICAL: 0, UNKNOWN: 0 };
}

function addCounts(into: StateCounts, from: StateCounts): void {
  for (const s of STATES) into[s] += from[s];
}

/** Rank used when a node has no stored state: the worst child wins (CRITICAL > UNKNOWN > WARNING > OK). */
const RANK: Record<State, number> = { OK: 0, WARNING: 1, UNKNOWN: 2, CRITICAL: 3 };

/** Reads the server's display name (setting `settings.name`), `Sonde` when unset. */
export async function serverName(db: Kysely<Database>): Promise<string> {
  const settings = await getSetting<{ name?: unknown }>(db, "settings");
  return typeof settings?.name === "string" && settings.name !== "" ? settings.name : "Sonde";
}

/** Builds the whole status tree. */
export async function statusTree(db: Kysely<Database>, now = new Date()): Promise<StatusTree> {
  const [groups, services, statuses, name] = await Promise.all([
    db.selectFrom("service_group").select(["id", "name", "parent_id"]).orderBy("name").orderBy("id")
      .execute(),
    db.selectFrom("service").select(["id", "name", "group_id"]).orderBy("name").orderBy("id").execute(),
    db.selectFrom("object_status").select(["object_id", "state", "since", "cause"]).execute(),
    serverName(db),
  ]);
  const nowIso = now.toISOString();
  const status = new Map(statuses.map((s) => [s.object_id, s]));
  const node = (id: string, kind: "group" | "service", nodeName: string): StatusNode => {
    const st = status.get(id);
    const n: StatusNode = {
      id,
      kind,
      name: nodeName,
      state: st ? toState(st.state) : "UNKNOWN",
      since: st ? new Date(st.since).toISOString() : nowIso,
      counts: emptyCounts(),
    };
    if (st?.cause) n.cause = st.cause;
    if (kind === "group") n.children = [];
    return n;
  };
  const root = node("g:0", "group", name);
  const groupNodes = new Map<number, StatusNode>();
  for (const g of groups) groupNodes.set(g.id, node(`g:${g.id}`, "group", g.name));
  for (const g of groups) {
    const parent = g.parent_id !== null ? groupNodes.get(g.parent_id) : undefined;
    (parent ?? root).children!.push(groupNodes.get(g.id)!);
  }
  for (const s of services) {
    const n = node(`s:${s.id}`, "service", s.name);
    n.counts[n.state] = 1;
    const parent = s.group_id !== null ? groupNodes.get(s.group_id) : undefined;
    (parent ?? root).children!.push(n);
  }
  rollUp(root, new Set(), status.has("g:0"));
  return { generatedAt: nowIso, root };
}

/** Sums counts bottom-up (iteratively safe against cycles); a group without stored status takes the
 * worst state of its children. */
function rollUp(n: StatusNode, seen: Set<string>, stored: boolean): void {
  if (seen.has(n.id)) return;
  seen.add(n.id);
  if (!n.children) return;
  let worst: State | undefined;
  for (const c of n.children) {
    if (c.kind === "group") rollUp(c, seen, true);
    addCounts(n.counts, c.counts);
    if (worst === undefined || RANK[c.state] > RANK[worst]) worst = c.state;
  }
  if (!stored && worst !== undefined) n.state = worst;
}
