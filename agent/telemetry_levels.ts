/**
 * Which telemetry level the agent forwards for an event: the level wanted for its application (log
 * pool levels pushed by the Server), raised while a recording session runs for requests that match
 * it (its application and, when set, a filter value found in a parameter of any event of the request).
 * @module
 */
import type { TelemetryConfig } from "@sonde/shared/wire/agent_config";
import type { TelemetryEvent } from "@sonde/shared/wire/types";

/** Remembers up to `max` request ids that matched a session filter (oldest forgotten first). */
class RecentSet {
  #items = new Set<string>();
  constructor(private readonly max: number) {}
  has(id: string): boolean {
    return this.#items.has(id);
  }
  add(id: string): void {
    if (this.#items.has(id)) return;
    this.#items.add(id);
    if (this.#items.size > this.max) this.#items.delete(this.#items.values().next().value!);
  }
}

function mentions(event: TelemetryEvent, filter: string): boolean {
  if (event.text.includes(filter)) return true;
  return event.params?.some((p) => String(p.value) === filter) ?? false;
}

/** Builds `levelFor(event)` over the current telemetry configuration. */
export function telemetryLevels(
  current: () => TelemetryConfig,
  now: () => number = Date.now,
): (e: TelemetryEvent) => number {
  const matched = new Map<string, RecentSet>();
  return (event) => {
    const t = current();
    let level = t.levels?.[event.app.appName] ?? t.level;
    for (const s of t.sessions ?? []) {
      if (s.untilMs <= now() || s.level <= level) continue;
      if (s.appName && s.appName !== event.app.appName) continue;
      if (s.filter) {
        let set = matched.get(s.id);
        if (!set) matched.set(s.id, set = new RecentSet(10_000));
        if (!set.has(event.requestId)) {
          if (!mentions(event, s.filter)) continue;
          set.add(event.requestId);
        }
      }
      level = s.level;
    }
    return level;
  };
}
