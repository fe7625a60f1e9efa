/**
 * DEVELOPMENT FIXTURE: request search and statistics over the in-memory rows of {@linkcode DevBackend}.
 * @module
 */
import type {
  RequestDetail,
  RequestPage,
  RequestQuery,
  RequestRow,
  Statistics,
  StatisticsQuery,
} from "./backend.ts";

/** Filters, sorts and pages `rows` like the Worker's request list. */
export function searchRequests(
  rows0: RequestRow[],
  details: Map<string, RequestDetail>,
  q: RequestQuery,
): RequestPage {
  const text = q.q?.toLowerCase();
  let rows = rows0.filter((r) =>
    r.startTs >= q.from * 1000 && r.startTs <= q.to * 1000 && (!q.status || r.status === q.status) &&
    (!q.minDurationUs || r.durationUs >= q.minDurationUs) && (!q.app || r.applications.some((a) =>
      a.includes(q.app!)
    )) &&
    (!q.agent || r.agents.includes(q.agent)) &&
    (!q.columns || Object.entries(q.columns).every(([k, v]) => String(r.columns[k]) === v)) &&
    (!text || details.get(r.requestId)!.events.some((e) =>
      e.text.toLowerCase().includes(text) || (e.params ?? []).some((p) =>
        String(p.value).toLowerCase().includes(text)
      )
    ))
  );
  const sort = q.sort ?? "-start";
  const key = sort.endsWith("duration") ? "durationUs" : "startTs";
  rows = rows.sort((a, b) => (sort.startsWith("-") ? b[key] - a[key] : a[key] - b[key]));
  const offset = q.cursor ? Number(q.cursor) || 0 : 0;
  const page = rows.slice(offset, offset + q.limit);
  return { rows: page, nextCursor: offset + q.limit < rows.length ? String(offset + q.limit) : undefined };
}

/** Buckets, groups by URL and the slowest requests of `rows` in the query's range. */
export function requestStatistics(rows: RequestRow[], q: StatisticsQuery): Statistics {
  const buckets = new Map<number, number[]>();
  const errors = new Map<number, number>();
  for (const r of rows) {
    const ms = r.startTs / 1000;
    if (ms < q.from || ms > q.to) continue;
    const b = Math.floor(ms / q.bucketMs) * q.bucketMs;
    (buckets.get(b) ?? buckets.set(b, []).get(b)!).push(r.durationUs);
    if (r.status === "error") errors.set(b, (errors.get(b) ?? 0) + 1);
  }
  const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;
  const out = [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([ts, xs]) => {
    xs.sort((a, b) => a - b);
    return {
      ts,
      count: xs.length,
      errorRate: (errors.get(ts) ?? 0) / xs.length,
      p50Us: pct(xs, 0.5),
      p95Us: pct(xs, 0.95),
      p99Us: pct(xs, 0.99),
    };
  });
  const inRange = rows.filter((r) => r.startTs / 1000 >= q.from && r.startTs / 1000 <= q.to);
  const byUrl = new Map<string, RequestRow[]>();
  for (const r of inRange) {
    (byUrl.get(String(r.columns.url)) ?? byUrl.set(String(r.columns.url), []).get(String(r.columns.url))!)
      .push(r);
  }
  const groups = [...byUrl.entries()].map(([key, rs]) => {
    const ds = rs.map((r) => r.durationUs).sort((a, b) => a - b);
    return {
      key,
      count: rs.length,
      errorRate: rs.filter((r) => r.status === "error").length / rs.length,
      p95Us: pct(ds, 0.95),
    };
  }).sort((a, b) => b.count - a.count);
  const topSlow = [...inRange].sort((a, b) => b.durationUs - a.durationUs).slice(0, 10);
  return { buckets: out, topSlow, groups };
}
