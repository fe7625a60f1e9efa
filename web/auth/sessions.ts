/**
 * Sessions in `user_session`: the browser holds a random token in an HttpOnly cookie, the database only
 * its SHA-256, so a leaked table does not log anyone in. Sessions survive restarts.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "@sonde/shared/db";
import type { Role } from "./users.ts";

/** The user a session belongs to. */
export interface SessionUser {
  id: number;
  name: string;
  role: Role;
}

function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Random URL-safe token of 32 bytes. */
export function randomToken(): string {
  return hex(crypto.getRandomValues(new Uint8Array(32)));
}

async function tokenId(token: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
}

/** Sessions in the database. */
export class SessionStore {
  constructor(private readonly db: Kysely<Database>, private readonly ttlMs: number) {}

  /** Creates a session for `userId`; returns the token for the cookie. */
  async create(userId: number, remote: string): Promise<string> {
    const token = randomToken();
    await this.db.insertInto("user_session").values({
      id: await tokenId(token),
      user_id: userId,
      expires_at: new Date(Date.now() + this.ttlMs),
      remote,
    }).execute();
    return token;
  }

  /** The user of a live session, sliding its expiry; undefined when unknown, expired or disabled. */
  async resolve(token: string): Promise<SessionUser | undefined> {
    if (!/^[0-9a-f]{64}$/.test(token)) return undefined;
    const id = await tokenId(token);
    const r = await this.db.selectFrom("user_session")
      .innerJoin("app_user", "app_user.id", "user_session.user_id")
      .select([
        "app_user.id",
        "app_user.name",
        "app_user.role",
        "app_user.disabled",
        "user_session.expires_at",
      ])
      .where("user_session.id", "=", id).executeTakeFirst();
    if (!r || r.disabled) return undefined;
    const expires = new Date(r.expires_at).getTime();
    if (expires < Date.now()) {
      await this.db.deleteFrom("user_session").where("id", "=", id).execute();
      return undefined;
    }
    if (expires - Date.now() < this.ttlMs / 2) {
      await this.db.updateTable("user_session")
        .set({ expires_at: new Date(Date.now() + this.ttlMs), last_seen_at: new Date() })
        .where("id", "=", id).execute();
    }
    return { id: r.id, name: r.name, role: r.role as Role };
  }

  /** Ends a session. */
  async destroy(token: string): Promise<void> {
    await this.db.deleteFrom("user_session").where("id", "=", await tokenId(token)).execute();
  }

  /** Deletes expired sessions; returns how many. */
  async sweep(): Promise<number> {
    const r = await this.db.deleteFrom("user_session").where("expires_at", "<", new Date())
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
