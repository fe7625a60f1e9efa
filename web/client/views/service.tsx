/** @jsxImportSource preact */
/**
 * Service detail: checks with their last results, counter charts over selectable ranges with warning /
 * critical thresholds drawn, and the state history. Deep link: `#/service/12?counter=cpu.busy_pct&range=6h`.
 * @module
 */
import { api, qs } from "../api.ts";
import { href, navigate } from "../router.ts";
import { Chart } from "../components/chart.tsx";
import { ago, Async, dateTime, Empty, PageHeader, StateBadge, useApi } from "../components/ui.tsx";

interface Check {
  id: number;
  name: string;
  type: string;
  state: string;
  message: string;
  lastRunAt?: string;
  intervalMs: number;
  counterKey?: string;
  warn?: string;
  crit?: string;
}

interface StatusEvent {
  ts: string;
  old: string;
  new: string;
  cause: string;
}

interface Detail {
  id: number;
  name: string;
  agentId: number;
  agentName: string;
  state: string;
  since: string;
  cause?: string;
  checks: Check[];
  events: StatusEvent[];
}

interface Series {
  unit: string;
  resolution: string;
  points: [number, number][];
}

/** Selectable chart ranges. */
export const RANGES: Record<string, number> = {
  "1h": 3_600_000,
  "6h": 21_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

function CounterChart(
  { agentId, counter, range, check }: { agentId: number; counter: string; range: string; check?: Check },
) {
  const to = Date.now();
  const series = useApi(
    async () => ({
      ...await api<Series>(`/agents/${agentId}/series${qs({ key: counter, from: to - RANGES[range]!, to })}`),
      xRange: [(to - RANGES[range]!) / 1000, to / 1000] as [number, number],
    }),
    [agentId, counter, range],
  );
  return (
    <Async value={series}>
      {(s) =>
        s.points.length === 0
          ? <Empty>No values of {counter} in this range.</Empty>
          : (
            <div data-testid="counter-chart">
              <Chart
                label={`${counter} over ${range}`}
                x={s.points.map((p) => p[0] / 1000)}
                series={[{ label: counter, color: "#38bdf8", values: s.points.map((p) => p[1]), fill: true }]}
                thresholds={[
                  ...(check?.warn ? [{ label: "warning", color: "#f59e0b", range: check.warn }] : []),
                  ...(check?.crit ? [{ label: "critical", color: "#ef4444", range: check.crit }] : []),
                ]}
                unit={s.unit}
                xRange={s.xRange}
              />
              <div class="chart-foot muted">
                {s.points.length} points · resolution {s.resolution}
              </div>
            </div>
          )}
    </Async>
  );
}

/** The service detail view. */
export function ServiceView({ id, query }: { id: number; query: URLSearchParams }) {
  const detail = useApi(() => api<Detail>(`/services/${id}`), [id], 30_000);
  const range = RANGES[query.get("range") ?? ""] ? query.get("range")! : "6h";
  return (
    <div class="view">
      <Async value={detail}>
        {(d) => {
          const counterChecks = d.checks.filter((c) => c.counterKey);
          const counter = query.get("counter") ?? counterChecks[0]?.counterKey ?? "cpu.busy_pct";
          const set = (p: Record<string, string>) =>
            navigate(href(`/service/${id}`, { counter, range, ...p }), true);
          return (
            <>
              <nav class="crumbs" aria-label="Breadcrumb">
                <a href="#/status">Status</a> <span>/</span> <span>{d.name}</span>
              </nav>
              <PageHeader
                title={
                  <span class="title-state">
                    <StateBadge state={d.state} /> {d.name}
                  </span>
                }
                sub={
                  <>
                    on agent <a href="#/agents">{d.agentName}</a> · {d.state} since {dateTime(d.since)}{" "}
                    ({ago(d.since)})
                    {d.cause
                      ? (
                        <>
                          · <span class="cause-inline">{d.cause}</span>
                        </>
                      )
                      : null}
                  </>
                }
              >
                <a class="btn small" href={href("/config/services", { edit: d.id })}>Edit</a>
              </PageHeader>
              <section class="card">
                <h2>Checks</h2>
                <div class="table-wrap">
                  <table class="grid" data-testid="checks">
                    <thead>
                      <tr>
                        <th>Check</th>
                        <th>State</th>
                        <th class="hide-sm">Type</th>
                        <th>Last result</th>
                        <th class="hide-sm">Thresholds</th>
                        <th class="hide-sm">Last run</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.checks.map((c) => (
                        <tr>
                          <td>
                            {c.counterKey
                              ? (
                                <a href={href(`/service/${id}`, { counter: c.counterKey, range })}>
                                  {c.name}
                                </a>
                              )
                              : c.name}
                          </td>
                          <td>
                            <StateBadge state={c.state} small />
                          </td>
                          <td class="hide-sm">
                            <code>{c.type}</code>
                          </td>
                          <td class="msg">{c.message}</td>
                          <td class="hide-sm mono">
                            {c.warn ? <span class="t-warning">w {c.warn}</span> : null}{" "}
                            {c.crit ? <span class="t-critical">c {c.crit}</span> : null}
                          </td>
                          <td class="hide-sm muted" title={c.lastRunAt && dateTime(c.lastRunAt)}>
                            {ago(c.lastRunAt)} · every {Math.round(c.intervalMs / 1000)} s
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </section>
              <section class="card">
                <div class="card-head">
                  <h2>Counter</h2>
                  <select
                    aria-label="Counter"
                    value={counter}
                    onChange={(e) => set({ counter: e.currentTarget.value })}
                  >
                    {[
                      ...new Set([
                        counter,
                        ...counterChecks.map((c) => c.counterKey!),
                        "cpu.busy_pct",
                        "mem.used_pct",
                        "load.1m",
                        "net.eth0.rx_bytes_per_s",
                        "fs./.free_pct",
                      ]),
                    ]
                      .map((k) => <option key={k} value={k}>{k}</option>)}
                  </select>
                  <div class="seg-control" role="group" aria-label="Range">
                    {Object.keys(RANGES).map((r) => (
                      <button
                        type="button"
                        class={r === range ? "on" : ""}
                        aria-pressed={r === range}
                        onClick={() => set({ range: r })}
                      >
                        {r}
                      </button>
                    ))}
                  </div>
                </div>
                <CounterChart
                  agentId={d.agentId}
                  counter={counter}
                  range={range}
                  check={counterChecks.find((c) => c.counterKey === counter)}
                />
              </section>
              <section class="card">
                <h2>State history</h2>
                {d.events.length === 0 ? <Empty>No state changes recorded.</Empty> : (
                  <ol class="timeline">
                    {d.events.map((e) => (
                      <li>
                        <time title={dateTime(e.ts)}>{dateTime(e.ts)}</time>
                        <span class="transition">
                          <StateBadge state={e.old} small /> → <StateBadge state={e.new} small />
                        </span>
                        <span class="muted">{e.cause}</span>
                      </li>
                    ))}
                  </ol>
                )}
              </section>
            </>
          );
        }}
      </Async>
    </div>
  );
}
