/** @jsxImportSource preact */
/**
 * Configuration editor parts: the object list, saving with null references, and the services tab with
 * the checks of the selected service.
 * @module
 */
import { useState } from "preact/hooks";
import { api } from "../api.ts";
import { currentRoute, href, navigate } from "../router.ts";
import { ObjectForm } from "../components/form.tsx";
import { Empty } from "../components/ui.tsx";
import { CHECK_PARAMS, checkFields, serviceFields } from "./config_fields.ts";

/** A configuration object. */
export type Obj = Record<string, unknown> & { id?: number; name?: string };
/** The configuration document. */
export interface ConfigDoc {
  agents: Obj[];
  groups: Obj[];
  services: (Obj & { checks?: Obj[] })[];
  logPools: Obj[];
  settings: Obj;
}

/** References that the form shows as "— none —" (0) are null in the document. */
const NULLABLE = ["groupId", "parentId"];

/** Creates or replaces an object through the API. */
export function put(kind: string, id: number | undefined, value: Obj) {
  const body: Obj = { ...value };
  for (const k of NULLABLE) if (body[k] === 0) body[k] = null;
  return api<Obj>(id ? `/config/${kind}/${id}` : `/config/${kind}`, { method: id ? "PUT" : "POST", body });
}

/** The list of objects of a tab with a New button. */
export function ListPane(
  { items, selected, tab, param = "edit", label }: {
    items: Obj[];
    selected?: number;
    tab: string;
    param?: string;
    label: string;
  },
) {
  return (
    <div class="card flush list-pane">
      <div class="list-head">
        <span>{label}</span>
        <a class="btn small" href={href(`/config/${tab}`, { [param]: "new" })}>New</a>
      </div>
      <ul class="obj-list">
        {items.map((o) => (
          <li>
            <a class={o.id === selected ? "on" : ""} href={href(`/config/${tab}`, { [param]: o.id })}>
              {o.name}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The services tab. */
export function ServicesTab(
  { doc, reload, readOnly }: { doc: ConfigDoc; reload: () => void; readOnly: boolean },
) {
  const q = currentRoute().query;
  const edit = q.get("edit");
  const checkId = q.get("check");
  const svc = doc.services.find((s) => String(s.id) === edit) ??
    doc.services.find((s) => s.checks?.some((c) => String(c.id) === checkId));
  const check = svc?.checks?.find((c) => String(c.id) === checkId);
  const addCheck = q.get("check") === "new" && svc
    ? {
      name: "",
      type: "http",
      intervalMs: 60000,
      timeoutMs: 10000,
      enabled: true,
      params: {},
      serviceId: svc.id,
    }
    : undefined;
  const checkValue = check ? { ...check, serviceId: svc!.id } : addCheck;
  const done = () => {
    reload();
  };
  return (
    <div class="split">
      <ListPane
        items={doc.services}
        selected={svc?.id}
        tab="services"
        label={`${doc.services.length} services`}
      />
      <div class="stack">
        {edit === "new" && (
          <ObjectForm
            key="new-svc"
            title="New service"
            fields={serviceFields(
              doc.groups as { id: number; name: string }[],
              doc.agents as { id: number; name: string }[],
            )}
            value={{ name: "", groupId: doc.groups[0]?.id, agentId: doc.agents[0]?.id }}
            readOnly={readOnly}
            onSave={async (v) => {
              const s = await put("service", undefined, v);
              done();
              navigate(href("/config/services", { edit: s.id as number }));
            }}
          />
        )}
        {svc && (
          <ObjectForm
            key={`svc-${svc.id}`}
            title={`Service ${svc.name}`}
            readOnly={readOnly}
            fields={serviceFields(
              doc.groups as { id: number; name: string }[],
              doc.agents as { id: number; name: string }[],
            )}
            value={{ name: svc.name, groupId: svc.groupId ?? 0, agentId: svc.agentId, checks: svc.checks }}
            onSave={async (v) => {
              await put("service", svc.id, v);
              done();
            }}
            onDelete={async () => {
              await api(`/config/service/${svc.id}`, { method: "DELETE" });
              done();
              navigate("#/config/services");
            }}
          />
        )}
        {svc && (
          <div class="card">
            <div class="card-head">
              <h2>Checks of {svc.name}</h2>
              {!readOnly && (
                <a class="btn small" href={href("/config/services", { edit: svc.id, check: "new" })}>
                  Add check
                </a>
              )}
            </div>
            {(svc.checks ?? []).length === 0 ? <Empty>No checks yet.</Empty> : (
              <ul class="obj-list inline">
                {svc.checks!.map((c) => (
                  <li>
                    <a
                      class={c === check ? "on" : ""}
                      href={href("/config/services", { edit: svc.id, check: c.id })}
                    >
                      {c.name} <span class="muted small">{String(c.type)}</span>
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        {checkValue && (
          <CheckForm
            key={`chk-${checkId}`}
            value={checkValue}
            readOnly={readOnly}
            onSaved={done}
            onDeleted={check
              ? async () => {
                await api(`/config/check/${check.id}`, { method: "DELETE" });
                done();
                navigate(href("/config/services", { edit: svc!.id }));
              }
              : undefined}
          />
        )}
        {!svc && edit !== "new" && <Empty>Select a service to edit it and its checks.</Empty>}
      </div>
    </div>
  );
}

function CheckForm(
  { value, readOnly, onSaved, onDeleted }: {
    value: Obj;
    readOnly: boolean;
    onSaved: () => void;
    onDeleted?: () => Promise<void>;
  },
) {
  const [type, setType] = useState(String(value.type ?? "http"));
  return (
    <ObjectForm
      onChange={(v) => setType(String(v.type))}
      title={value.id ? `Check ${value.name}` : "New check"}
      readOnly={readOnly}
      fields={[...checkFields(), ...(CHECK_PARAMS[type] ?? [])]}
      value={value}
      onSave={async (v) => {
        await put("check", value.id as number | undefined, v);
        onSaved();
      }}
      onDelete={onDeleted}
    />
  );
}
