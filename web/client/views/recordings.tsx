/** @jsxImportSource preact */
/**
 * Recording sessions: start one (application, filter value, level, description, duration), watch it
 * run, stop it, open its requests, export it as JSON lines and import an export.
 * Deep links: `#/recordings`, `#/recordings/<id>`, `#/recordings/<id>/r/<requestId>`.
 * @module
 */
import { useState } from "preact/hooks";
import { api, qs } from "../api.ts";
import type { User } from "../components/layout.tsx";
import { ObjectForm } from "../components/form.tsx";
import { type RequestRow, RequestTable } from "../components/request_table.tsx";
import { ago, Async, dateTime, Empty, ErrorBox, PageHeader, useApi } from "../components/ui.tsx";
import type { RecordingSession as Recording } from "../../../shared/wire/api.ts";

const LEVELS = [
  { value: 50, label: "50 normal" },
  { value: 60, label: "60 detail" },
  { value: 70, label: "70 debug" },
];

function StartForm({ onStarted }: { onStarted: () => void }) {
  return (
    <ObjectForm
      title="Start a recording"
      submitLabel="Start recording"
      value={{ appName: "", filter: "", level: 60, description: "", minutes: 60 }}
      fields={[
        { path: "appName", label: "Application", type: "text", placeholder: "all applications" },
        { path: "filter", label: "Filter value", type: "text", placeholder: "user, order number, URL part…" },
        { path: "level", label: "Level", type: "select", options: LEVELS },
        {
          path: "description",
          label: "Description",
          type: "text",
          placeholder: "ticket 4711: slow checkout",
        },
        { path: "minutes", label: "Stop after (minutes)", type: "number" },
      ]}
      onSave={async (v) => {
        const { minutes, ...rest } = v;
        await api("/recordings", {
          method: "POST",
          body: { ...rest, durationMs: Number(minutes ?? 60) * 60_000 },
        });
        onStarted();
      }}
    />
  );
}

function List({ user }: { user: User }) {
  const list = useApi(() => api<Recording[]>("/recordings"), [], 10_000);
  const [error, setError] = useState<unknown>();
  const run = (fn: () => Promise<unknown>) => fn().then(list.reload, setError);
  const importFile = (file: File) =>
    run(async () => api("/recordings/import", { method: "POST", raw: await file.text() }));
  return (
    <>
      {error !== undefined && <ErrorBox error={error} />}
      {user.role !== "viewer" && <StartForm onStarted={list.reload} />}
      <Async value={list}>
        {(rows) =>
          rows.length === 0 ? <Empty>No recordings yet.</Empty> : (
            <div class="table-wrap card flush">
              <table class="grid" data-testid="recordings">
                <thead>
                  <tr>
                    <th>Recording</th>
                    <th>State</th>
                    <th class="hide-sm">Application · filter</th>
                    <th class="hide-sm">Level</th>
                    <th class="hide-sm">Started</th>
                    <th class="num">Requests</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <a href={`#/recordings/${encodeURIComponent(r.id)}`}>{r.description || r.id}</a>
                        {r.imported && <span class="muted small">imported</span>}
                      </td>
                      <td>
                        <span class={`badge small ${r.state === "running" ? "st-warning" : "st-unknown"}`}>
                          {r.state}
                        </span>
                      </td>
                      <td class="hide-sm">{r.appName ?? "all"} · {r.filter ?? "any"}</td>
                      <td class="hide-sm">{r.level}</td>
                      <td class="hide-sm muted" title={dateTime(r.startedAt)}>
                        {ago(r.startedAt)}
                        {r.state === "running" ? ` · until ${dateTime(r.untilAt)}` : ""}
                      </td>
                      <td class="num">{r.state === "running" ? "—" : r.requestCount}</td>
                      <td class="right nowrap">
                        {r.state === "running" && user.role !== "viewer" && (
                          <button
                            type="button"
                            class="btn small warn"
                            onClick={() =>
                              run(() =>
                                api(`/recordings/${encodeURIComponent(r.id)}/stop`, { method: "POST" })
                              )}
                          >
                            Stop
                          </button>
                        )}{" "}
                        <a
                          class="btn small ghost"
                          href={`/api/recordings/${encodeURIComponent(r.id)}/export`}
                          download
                        >
                          Export
                        </a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </Async>
      {user.role !== "viewer" && (
        <label class="btn small ghost import">
          Import an exported recording…
          <input
            type="file"
            accept=".jsonl,.json,.txt"
            hidden
            onChange={(e) => {
              const f = e.currentTarget.files?.[0];
              if (f) importFile(f);
            }}
          />
        </label>
      )}
    </>
  );
}

function Detail({ id }: { id: string }) {
  const page = useApi(
    () =>
      api<{ rows: RequestRow[]; nextCursor?: string }>(
        `/recordings/${encodeURIComponent(id)}/requests${qs({ limit: 200 })}`,
      ),
    [id],
  );
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="#/recordings">Recordings</a> <span>/</span> <span>{id}</span>
      </nav>
      <Async value={page}>
        {(p) =>
          p.rows.length === 0 ? <Empty>No requests recorded (yet).</Empty> : (
            <RequestTable
              pool={0}
              rows={p.rows}
              columns={[]}
              base={`#/recordings/${encodeURIComponent(id)}/r/`}
            />
          )}
      </Async>
    </>
  );
}

/** The recordings view. */
export function RecordingsView({ id, user }: { id?: string; user: User }) {
  return (
    <div class="view">
      <PageHeader
        title="Recordings"
        sub="Forward detailed events for matching requests while a recording runs"
      />
      {id ? <Detail id={id} /> : <List user={user} />}
    </div>
  );
}
