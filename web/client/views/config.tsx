/** @jsxImportSource preact */
/**
 * Configuration editor: services with their checks, service groups, log pools, users and server
 * settings. Deep links: `#/config/services?edit=12`, `#/config/services?check=121`, `#/config/settings`.
 * @module
 */
import { api } from "../api.ts";
import { currentRoute, href, navigate } from "../router.ts";
import type { User } from "../components/layout.tsx";
import { ObjectForm } from "../components/form.tsx";
import { Async, Empty, PageHeader, useApi } from "../components/ui.tsx";
import { groupFields, POOL_FIELDS, SETTINGS_FIELDS } from "./config_fields.ts";
import { UsersTab } from "./users.tsx";
import { type ConfigDoc, ListPane, type Obj, put, ServicesTab } from "./config_services.tsx";

const TABS = [
  { id: "services", label: "Services & checks" },
  { id: "groups", label: "Service groups" },
  { id: "pools", label: "Log pools" },
  { id: "users", label: "Users" },
  { id: "settings", label: "Server settings" },
];

function SimpleTab({ kind, tab, items, fields, reload, readOnly, blank }: {
  kind: string;
  tab: string;
  items: Obj[];
  fields: Parameters<typeof ObjectForm>[0]["fields"];
  reload: () => void;
  readOnly: boolean;
  blank: Obj;
}) {
  const edit = currentRoute().query.get("edit");
  const current = edit === "new" ? blank : items.find((x) => String(x.id) === edit);
  return (
    <div class="split">
      <ListPane items={items} selected={current?.id} tab={tab} label={`${items.length} ${tab}`} />
      {current
        ? (
          <ObjectForm
            key={`${kind}-${edit}`}
            title={current.id ? `${kind} ${current.name}` : `New ${kind}`}
            fields={fields}
            value={current}
            readOnly={readOnly}
            onSave={async (v) => {
              const saved = await put(kind, current.id, v);
              reload();
              if (!current.id) navigate(href(`/config/${tab}`, { edit: saved.id as number }));
            }}
            onDelete={current.id
              ? async () => {
                await api(`/config/${kind}/${current.id}`, { method: "DELETE" });
                reload();
                navigate(`#/config/${tab}`);
              }
              : undefined}
          />
        )
        : <Empty>Select an entry to edit it.</Empty>}
    </div>
  );
}

/** The configuration view. */
export function ConfigView({ tab, user }: { tab: string; user: User }) {
  const doc = useApi(() => api<ConfigDoc>("/config"), []);
  const readOnly = user.role === "viewer";
  return (
    <div class="view">
      <PageHeader
        title="Configuration"
        sub={readOnly
          ? "Read only: your role is viewer"
          : "Changes are validated by the Server and sent to the agents"}
      />
      <div class="tabs" role="tablist">
        {TABS.map((t) => (
          <a
            role="tab"
            aria-selected={t.id === tab}
            class={t.id === tab ? "on" : ""}
            href={`#/config/${t.id}`}
          >
            {t.label}
          </a>
        ))}
      </div>
      {tab === "users" ? <UsersTab user={user} /> : (
        <Async value={doc}>
          {(d) => {
            const groups = d.groups as { id: number; name: string }[];
            const views: Record<string, () => preact.JSX.Element> = {
              services: () => <ServicesTab doc={d} reload={doc.reload} readOnly={readOnly} />,
              groups: () => (
                <SimpleTab
                  kind="group"
                  tab="groups"
                  items={d.groups}
                  fields={groupFields(groups)}
                  reload={doc.reload}
                  readOnly={readOnly}
                  blank={{ name: "", parentId: 0 }}
                />
              ),
              pools: () => (
                <SimpleTab
                  kind="logPool"
                  tab="pools"
                  items={d.logPools}
                  fields={POOL_FIELDS}
                  reload={doc.reload}
                  readOnly={readOnly}
                  blank={{ name: "", levelThreshold: 50, retentionDays: 14, columns: [], applications: [] }}
                />
              ),
              settings: () => (
                <ObjectForm
                  title="Server settings"
                  fields={SETTINGS_FIELDS}
                  value={d.settings}
                  readOnly={user.role !== "admin"}
                  onSave={async (v) => {
                    await api("/config/settings", { method: "PUT", body: v });
                    doc.reload();
                  }}
                />
              ),
            };
            return (views[tab] ?? views.services!)();
          }}
        </Async>
      )}
    </div>
  );
}
