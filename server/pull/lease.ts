/**
 * The pull lease: several server processes on one database, exactly one pulls. The holder renews
 * every third of the lease time; when it dies, another takes over once the lease expired.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "@sonde/shared/db";
import type { Logger } from "@sonde/shared/log";

/** A lease held in PostgreSQL. */
export class Lease {
  #held = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly holder: string,
    private readonly log: Logger,
    private readonly ttlMs = 10_000,
    private readonly name = "pull",
  ) {}

  /** Called after the lease was taken (true) or lost (false). */
  onChange: ((held: boolean) => Promise<void> | void) | undefined;

  /** Whether this process held the lease at its last renewal. */
  get held(): boolean {
    return this.#held;
  }

  /** Takes or renews the lease; returns whether it is held now. */
  async renew(): Promise<boolean> {
    const ttl = `${Math.ceil(this.ttlMs)} milliseconds`;
    let held = false;
    try {
      const r = await sql<{ holder: string }>`
        insert into server_lease (name, holder, expires_at) values (${this.name}, ${this.holder}, now() + ${ttl}::interval)
        on conflict (name) do update set
          holder = excluded.holder,
          expires_at = excluded.expires_at,
          epoch = server_lease.epoch + case when server_lease.holder = excluded.holder then 0 else 1 end
        where server_lease.holder = excluded.holder or server_lease.expires_at < now()
        returning holder`.execute(this.db);
      held = r.rows.length === 1;
    } catch (e) {
      this.log.warn("cannot renew the pull lease", { error: e instanceof Error ? e.message : String(e) });
    }
    const changed = held !== this.#held;
    if (changed) {
      this.log.info(held ? "pull lease taken: this server pulls" : "pull lease lost: standing by", {
        holder: this.holder,
      });
    }
    this.#held = held;
    if (changed) await this.onChange?.(held);
    return held;
  }

  /** Renews periodically until `stop`. */
  async start(): Promise<void> {
    await this.renew();
    this.#timer = setInterval(() => void this.renew(), Math.max(500, this.ttlMs / 3));
  }

  /** Stops renewing and releases the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    if (!this.#held) return;
    this.#held = false;
    await this.db.deleteFrom("server_lease").where("name", "=", this.name).where("holder", "=", this.holder)
      .execute()
      .catch(() => {});
  }
}
