/** @jsxImportSource preact */
/**
 * Agents: reachability, buffer lag, version, trusted fingerprint; operators accept a changed one.
 * @module
 */
import { useState } from "preact/hooks";
import { api } from "../api.ts";
import type { User } from "../components/layout.tsx";
import { ago, Async, dateTime, ErrorBox, num, PageHeader, useApi } from "../components/ui.tsx";

interface Agent {
  id: number;
  name: string;
  address: string;
  state: "ok" | "unreachable" | "new" | "fingerprint_changed";
  lastPullAt?: string;
  lagRecords: number;
  lagSeconds: number;
  version: string;
  fingerprint?: string;
  pendingFingerprint?: string;
  configVersion: number;
}

const LABEL: Record<Agent["state"], [string, string]> = {
  ok: ["Reachable", "ok"],
  unreachable: ["Unreachable", "critical"],
  new: ["New", "unknown"],
  fingerprint_changed: ["Certificate changed", "warning"],
};

function short(fp?: string): string {
  return fp ? `${fp.slice(0, 23)}…${fp.slice(-8)}` : "—";
}

/** The agents view. */
export function AgentsView({ user }: { user: User }) {
  const agents = useApi(() => api<Agent[]>("/agents"), [], 15_000);
  const [error, setError] = useState<unknown>();
  const accept = async (a: Agent) => {
    if (!confirm(`Trust the new certificate of ${a.name}?\n\n${a.pendingFingerprint}`)) return;
    try {
      await api(`/agents/${a.id}/accept-fingerprint`, { method: "POST" });
      agents.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div class="view">
      <PageHeader title="Agents" sub="Hosts the Server pulls counters, check results and telemetry from" />
      {error !== undefined && <ErrorBox error={error} />}
      <Async value={agents}>
        {(list) => (
          <div class="table-wrap card flush">
            <table class="grid" data-testid="agents">
              <thead>
                <tr>
                  <th>Agent</th>
                  <th>Reachability</th>
                  <th class="num">Buffer lag</th>
                  <th class="hide-sm">Last pull</th>
                  <th class="hide-sm">Version</th>
                  <th class="hide-md">Trusted certificate</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {list.map((a) => {
                  const [label, tone] = LABEL[a.state];
                  return (
                    <tr>
                      <td>
                        <div class="strong">{a.name}</div>
                        <div class="muted mono small">{a.address}</div>
                      </td>
                      <td>
                        <span class={`badge small st-${tone}`}>{label}</span>
                      </td>
                      <td class="num">
                        <div class={a.lagSeconds > 300 ? "t-warning" : ""}>{num(a.lagRecords)} records</div>
                        <div class="muted small">{a.lagSeconds} s behind</div>
                      </td>
                      <td class="hide-sm muted" title={a.lastPullAt && dateTime(a.lastPullAt)}>
                        {ago(a.lastPullAt)}
                      </td>
                      <td class="hide-sm">
                        {a.version} <span class="muted small">cfg v{a.configVersion}</span>
                      </td>
                      <td class="hide-md mono small" title={a.fingerprint}>
                        {short(a.fingerprint)}
                        {a.pendingFingerprint && (
                          <div class="t-warning" title={a.pendingFingerprint}>
                            new: {short(a.pendingFingerprint)}
                          </div>
                        )}
                      </td>
                      <td class="right">
                        {a.pendingFingerprint && user.role !== "viewer" && (
                          <button
                            type="button"
                            class="btn small warn"
                            onClick={() => accept(a)}
                          >
                            Accept new certificate
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Async>
    </div>
  );
}
