/** @jsxImportSource preact */
/**
 * Statistics of a log pool: duration percentiles, requests and errors per bucket, by URL, slowest.
 * @module
 */
import { api, qs } from "../api.ts";
import { href } from "../router.ts";
import { Chart } from "../components/chart.tsx";
import { type RequestRow, RequestTable } from "../components/request_table.tsx";
import { Async, durUs, useApi } from "../components/ui.tsx";
import { RANGES } from "./service.tsx";

/** A log pool as the views need it. */
export interface Pool {
  id: number;
  name: string;
  columns: { name: string; parameter: string; type: string }[];
}

interface Stats {
  buckets: { ts: number; count: number; errorRate: number; p50Us: number; p95Us: number; p99Us: number }[];
  topSlow: RequestRow[];
  groups: { key: string; count: number; errorRate: number; p95Us: number }[];
}

/** The statistics tab. */
export function Statistics({ pool, query }: { pool: Pool; query: URLSearchParams }) {
  const range = RANGES[query.get("range") ?? ""] ? query.get("range")! : "1h";
  const stats = useApi(() => {
    const to = Date.now();
    const from = to - RANGES[range]!;
    return api<Stats>(
      `/pools/${pool.id}/statistics${
        qs({ from, to, bucketMs: Math.max(60_000, Math.round((to - from) / 60)) })
      }`,
    );
  }, [pool.id, range]);
  return (
    <Async value={stats}>
      {(s) => {
        const x = s.buckets.map((b) => b.ts / 1000);
        return (
          <div class="stats-grid" data-testid="statistics">
            <section class="card">
              <h2>Duration percentiles</h2>
              <Chart
                x={x}
                unit="ms"
                series={[
                  { label: "p50", color: "#38bdf8", values: s.buckets.map((b) => b.p50Us / 1000) },
                  {
                    label: "p95",
                    color: "#a78bfa",
                    values: s.buckets.map((b) => b.p95Us / 1000),
                  },
                  {
                    label: "p99",
                    color: "#f472b6",
                    values: s.buckets.map((b) => b.p99Us / 1000),
                  },
                ]}
              />
            </section>
            <section class="card">
              <h2>Requests and errors</h2>
              <Chart
                x={x}
                series={[
                  { label: "requests", color: "#22c55e", values: s.buckets.map((b) => b.count), bars: true },
                  {
                    label: "errors",
                    color: "#ef4444",
                    values: s.buckets.map((b) => Math.round(b.count * b.errorRate)),
                    bars: true,
                  },
                ]}
              />
            </section>
            <section class="card">
              <h2>By URL</h2>
              <table class="grid compact">
                <thead>
                  <tr>
                    <th>URL</th>
                    <th class="num">Requests</th>
                    <th class="num">Errors</th>
                    <th class="num">p95</th>
                  </tr>
                </thead>
                <tbody>
                  {s.groups.slice(0, 12).map((g) => (
                    <tr>
                      <td class="ellipsis">
                        <a href={href(`/pools/${pool.id}`, { q: g.key, range })}>{g.key}</a>
                      </td>
                      <td class="num">{g.count}</td>
                      <td class="num">{(g.errorRate * 100).toFixed(1)} %</td>
                      <td class="num mono">{durUs(g.p95Us)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section class="card">
              <h2>Slowest requests</h2>
              <RequestTable
                pool={pool.id}
                rows={s.topSlow}
                columns={pool.columns.slice(0, 1).map((c) => c.name)}
              />
            </section>
          </div>
        );
      }}
    </Async>
  );
}
