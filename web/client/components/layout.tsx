/** @jsxImportSource preact */
/**
 * The application frame: sidebar navigation (a drawer on phones), top bar with the user menu.
 * @module
 */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api.ts";
import { useRoute } from "../router.ts";

/** The signed-in user. */
export interface User {
  id: number;
  name: string;
  role: "admin" | "operator" | "viewer";
}

const NAV = [
  { id: "status", label: "Status", icon: "M3 12h4l3-8 4 16 3-8h4" },
  { id: "agents", label: "Agents", icon: "M4 5h16v10H4zM8 19h8M12 15v4" },
  { id: "pools", label: "Log pools", icon: "M4 6h16M4 12h16M4 18h10" },
  {
    id: "live",
    label: "Live",
    icon: "M12 12m-3 0a3 3 0 1 0 6 0a3 3 0 1 0-6 0M5 5a10 10 0 0 0 0 14M19 5a10 10 0 0 1 0 14",
  },
  {
    id: "recordings",
    label: "Recordings",
    icon: "M12 12m-7 0a7 7 0 1 0 14 0a7 7 0 1 0-14 0M12 12m-2.5 0a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0-5 0",
  },
  {
    id: "config",
    label: "Configuration",
    icon: "M12 8a4 4 0 1 0 0 8a4 4 0 0 0 0-8zM4 12h2M18 12h2M12 4v2M12 18v2",
  },
];

function Icon({ d }: { d: string }) {
  return (
    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
      <path
        d={d}
        fill="none"
        stroke="currentColor"
        stroke-width="1.8"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}

/** The frame around every view. */
export function Layout(
  { user, onLogout, children }: { user: User; onLogout: () => void; children: ComponentChildren },
) {
  const route = useRoute();
  const section = route.path[0] ?? "status";
  const active = section === "service" ? "status" : section;
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [route]);
  const logout = async () => {
    await api("/logout", { method: "POST" }).catch(() => {});
    onLogout();
    location.hash = "#/status";
  };
  return (
    <div class={`shell${open ? " nav-open" : ""}`}>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        Skip to content
      </a>
      <aside class="sidebar" aria-label="Main navigation">
        <a class="brand" href="#/status">
          <svg viewBox="0 0 32 32" class="logo" aria-hidden="true">
            <circle cx="16" cy="16" r="12" fill="none" stroke="currentColor" stroke-width="3" />
            <circle cx="16" cy="16" r="4" fill="var(--ok)" />
          </svg>
          <span>Sonde</span>
        </a>
        <nav>
          {NAV.map((n) => (
            <a
              href={`#/${n.id}`}
              class={active === n.id ? "active" : ""}
              aria-current={active === n.id ? "page" : undefined}
            >
              <Icon d={n.icon} />
              <span>{n.label}</span>
            </a>
          ))}
        </nav>
        <div class="sidebar-foot">
          <div class="who">
            <span class="avatar" aria-hidden="true">{user.name.slice(0, 1).toUpperCase()}</span>
            <div>
              <div class="who-name">{user.name}</div>
              <div class="who-role">{user.role}</div>
            </div>
          </div>
          <button type="button" class="btn ghost small" onClick={logout} data-testid="logout">
            Sign out
          </button>
        </div>
      </aside>
      <div class="topbar">
        <button
          type="button"
          class="btn ghost menu"
          aria-label="Menu"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          <Icon d="M4 7h16M4 12h16M4 17h16" />
        </button>
        <a class="brand" href="#/status">Sonde</a>
      </div>
      <div class="scrim" onClick={() => setOpen(false)} />
      <main id="main" tabIndex={-1}>{children}</main>
    </div>
  );
}
