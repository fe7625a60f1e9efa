/**
 * Built-in users of the web client with roles admin / operator / viewer, kept in `app_user`.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "@sonde/shared/db";
import { NotFoundError, ValidationError } from "@sonde/shared/errors";
import { generatePassword, hashPassword, verifyPassword } from "./password.ts";

/** What a user may do: viewers read, operators also edit configuration, admins also manage users. */
export type Role = "admin" | "operator" | "viewer";

/** Roles from least to most privileged. */
export const ROLES: readonly Role[] = ["viewer", "operator", "admin"];

/** A user as the API shows it (never the hash). */
export interface User {
  id: number;
  name: string;
  role: Role;
  disabled: boolean;
  hasPassword: boolean;
  createdAt: string;
}

/** Fields of a user to create or change. */
export interface UserInput {
  name?: string;
  role?: Role;
  password?: string;
  disabled?: boolean;
}

/** Whether `role` is at least `needed`. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** Parses a user body from the API; every problem names its field. */
export function parseUserInput(body: unknown, creating: boolean): UserInput {
  const problems: string[] = [];
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ValidationError("body: must be a JSON object");
  }
  const b = body as Record<string, unknown>;
  const out: UserInput = {};
  if (b.name !== undefined || creating) {
    if (typeof b.name !== "string" || !/^[A-Za-z0-9._@-]{1,64}$/.test(b.name)) {
      problems.push(
        `name: must be 1-64 letters, digits or . _ @ -: current value is ${JSON.stringify(b.name)}`,
      );
    } else out.name = b.name;
  }
  if (b.role !== undefined || creating) {
    if (!ROLES.includes(b.role as Role)) {
      problems.push(
        `role: must be one of admin, operator, viewer: current value is ${JSON.stringify(b.role)}`,
      );
    } else out.role = b.role as Role;
  }
  if (b.password !== undefined && b.password !== "") {
    if (typeof b.password !== "string" || b.password.length < 10 || b.password.length > 200) {
      problems.push("password: must be 10 to 200 characters");
    } else out.password = b.password;
  }
  if (b.disabled !== undefined) {
    if (typeof b.disabled !== "boolean") problems.push("disabled: must be true or false");
    else out.disabled = b.disabled;
  }
  if (problems.length) throw new ValidationError(problems);
  return out;
}

interface Row {
  id: number;
  name: string;
  role: string;
  password_hash: string | null;
  disabled: boolean;
  created_at: Date;
}

function toUser(r: Row): User {
  return {
    id: r.id,
    name: r.name,
    role: r.role as Role,
    disabled: r.disabled,
    hasPassword: r.password_hash !== null,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** Users in the database. */
export class UserStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every user, by name. */
  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom("app_user").selectAll().orderBy("name").execute();
    return rows.map(toUser);
  }

  /** The user with `id`, or undefined. */
  async get(id: number): Promise<User | undefined> {
    const r = await this.db.selectFrom("app_user").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? toUser(r) : undefined;
  }

  /** The user named `name`, or undefined. */
  async byName(name: string): Promise<User | undefined> {
    const r = await this.db.selectFrom("app_user").selectAll().where("name", "=", name).executeTakeFirst();
    return r ? toUser(r) : undefined;
  }

  /** Creates a user. @throws {ValidationError} when the name is taken. */
  async create(input: UserInput & { name: string; role: Role }): Promise<User> {
    if (await this.byName(input.name)) throw new ValidationError(`name: "${input.name}" is taken`);
    const r = await this.db.insertInto("app_user").values({
      name: input.name,
      role: input.role,
      password_hash: input.password ? await hashPassword(input.password) : null,
      disabled: input.disabled ?? false,
    }).returningAll().executeTakeFirstOrThrow();
    return toUser(r);
  }

  /** Changes a user. @throws {NotFoundError} */
  async update(id: number, input: UserInput): Promise<User> {
    const values: Record<string, unknown> = { updated_at: new Date() };
    if (input.name !== undefined) values.name = input.name;
    if (input.role !== undefined) values.role = input.role;
    if (input.disabled !== undefined) values.disabled = input.disabled;
    if (input.password !== undefined) values.password_hash = await hashPassword(input.password);
    const r = await this.db.updateTable("app_user").set(values).where("id", "=", id).returningAll()
      .executeTakeFirst();
    if (!r) throw new NotFoundError(`Cannot update user ${id}: no such user`);
    if (input.password !== undefined || input.disabled) {
      await this.db.deleteFrom("user_session").where("user_id", "=", id).execute();
    }
    return toUser(r);
  }

  /** Deletes a user and their sessions. @throws {NotFoundError} */
  async remove(id: number): Promise<void> {
    const r = await this.db.deleteFrom("app_user").where("id", "=", id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new NotFoundError(`Cannot delete user ${id}: no such user`);
  }

  /** The user when name and password match an enabled user, else undefined. */
  async verify(name: string, password: string): Promise<User | undefined> {
    const r = await this.db.selectFrom("app_user").selectAll().where("name", "=", name).executeTakeFirst();
    if (!r || r.disabled || !r.password_hash) {
      await hashPassword(password); // same cost whether or not the user exists
      return undefined;
    }
    return (await verifyPassword(password, r.password_hash)) ? toUser(r) : undefined;
  }

  /**
   * Creates the first admin when there is no user at all. The password is `envPassword` when given,
   * else generated; returns it only when it was generated, so the caller prints it once.
   */
  async ensureFirstAdmin(envPassword?: string): Promise<{ created: boolean; generated?: string }> {
    const any = await this.db.selectFrom("app_user").select("id").limit(1).executeTakeFirst();
    if (any) return { created: false };
    const password = envPassword || generatePassword();
    await this.create({ name: "admin", role: "admin", password });
    return envPassword ? { created: true } : { created: true, generated: password };
  }
}
