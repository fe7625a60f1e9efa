/** @jsxImportSource preact */
/**
 * User management (admins) and the own password (everyone).
 * @module
 */
import { api } from "../api.ts";
import { currentRoute, href, navigate } from "../router.ts";
import type { User } from "../components/layout.tsx";
import { ObjectForm } from "../components/form.tsx";
import { Async, dateTime, Empty, useApi } from "../components/ui.tsx";
import { USER_FIELDS } from "./config_fields.ts";

interface UserRow {
  id: number;
  name: string;
  role: string;
  disabled: boolean;
  hasPassword: boolean;
  createdAt: string;
}

function OwnPassword() {
  return (
    <ObjectForm
      title="Change your password"
      value={{ current: "", password: "" }}
      fields={[
        { path: "current", label: "Current password", type: "password" },
        { path: "password", label: "New password", type: "password", help: "At least 10 characters" },
      ]}
      onSave={async (v) => {
        await api("/me/password", { method: "PUT", body: v });
        location.reload();
      }}
    />
  );
}

/** The users tab of the configuration view. */
export function UsersTab({ user }: { user: User }) {
  if (user.role !== "admin") {
    return (
      <div class="stack">
        <Empty>Only admins manage users.</Empty>
        <OwnPassword />
      </div>
    );
  }
  const users = useApi(() => api<UserRow[]>("/users"), []);
  const edit = currentRoute().query.get("edit");
  return (
    <Async value={users}>
      {(list) => {
        const current = edit === "new"
          ? { name: "", role: "viewer", password: "" }
          : list.find((u) => String(u.id) === edit);
        return (
          <div class="split">
            <div class="card flush list-pane">
              <div class="list-head">
                <span>{list.length} users</span>
                <a class="btn small" href={href("/config/users", { edit: "new" })}>New</a>
              </div>
              <table class="grid compact">
                <tbody>
                  {list.map((u) => (
                    <tr>
                      <td>
                        <a href={href("/config/users", { edit: u.id })}>{u.name}</a>
                        {u.disabled && <span class="badge small st-unknown">disabled</span>}
                      </td>
                      <td>
                        <span class="role">{u.role}</span>
                      </td>
                      <td class="muted small hide-sm">{u.hasPassword ? dateTime(u.createdAt) : "proxy"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div class="stack">
              {current
                ? (
                  <ObjectForm
                    key={`user-${edit}`}
                    title={"id" in current ? `User ${current.name}` : "New user"}
                    fields={USER_FIELDS}
                    value={{ ...current, password: "" }}
                    onSave={async (v) => {
                      const body = {
                        name: v.name,
                        role: v.role,
                        password: v.password || undefined,
                        disabled: v.disabled,
                      };
                      const saved = "id" in current
                        ? await api<UserRow>(`/users/${current.id}`, { method: "PUT", body })
                        : await api<UserRow>("/users", { method: "POST", body });
                      users.reload();
                      if (!("id" in current)) navigate(href("/config/users", { edit: saved.id }));
                    }}
                    onDelete={"id" in current && current.id !== user.id
                      ? async () => {
                        await api(`/users/${current.id}`, { method: "DELETE" });
                        users.reload();
                        navigate("#/config/users");
                      }
                      : undefined}
                  />
                )
                : <Empty>Select a user to edit, or create a new one.</Empty>}
              <OwnPassword />
            </div>
          </div>
        );
      }}
    </Async>
  );
}
