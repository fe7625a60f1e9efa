/**
 * Auto-registration: remembers each distinct application registration seen in events (bounded) and
 * reports new ones once, so the Server creates service group `appName appId` › group `appTierName` ›
 * service `appTierId`.
 * @module
 */
import type { Logger } from "@sonde/shared/log";
import type { AppRegistration, TelemetryEvent } from "@sonde/shared/wire/telemetry";

const MAX = 10_000;

/** Distinct registrations seen. */
export class Registrations {
  readonly #seen = new Map<string, AppRegistration>();
  #last: AppRegistration | undefined;
  #overflow = 0;

  constructor(
    private readonly onRegistration: ((app: AppRegistration) => void) | undefined,
    private readonly log: Logger,
  ) {}

  /** Notes the registrations of `events`. */
  see(events: TelemetryEvent[]): void {
    for (const e of events) {
      if (e.app === this.#last) continue;
      this.#last = e.app;
      const a = e.app;
      const key = `${a.appName}\u0000${a.appId}\u0000${a.appTierName}\u0000${a.appTierId}`;
      if (this.#seen.has(key)) continue;
      if (this.#seen.size >= MAX) {
        if (this.#overflow++ === 0) {
          this.log.warn("too many distinct applications; not registering more", { max: MAX });
        }
        continue;
      }
      const app = { ...a };
      this.#seen.set(key, app);
      try {
        this.onRegistration?.(app);
      } catch (err) {
        this.log.error("onRegistration callback failed", { app: key.replaceAll("\u0000", "/"), error: err });
      }
    }
  }

  /** Every registration seen. */
  all(): AppRegistration[] {
    return [...this.#seen.values()];
  }

  /** How many were seen. */
  count(): number {
    return this.#seen.size;
  }
}
