/** @jsxImportSource preact */
/**
 * A table of request rows (start, status, duration bar, pool columns, applications), shared by the log
 * pool, statistics and live views.
 * @module
 */
import { dateTime, durUs, shortTime } from "./ui.tsx";

/** A request row (see shared/wire/api.ts). */
export interface RequestRow {
  requestId: string;
  startTs: number;
  durationUs: number;
  status: "ok" | "warning" | "error";
  agents: string[];
  applications: string[];
  columns: Record<string, string | number>;
}

/** A table of request rows; shared with the live view. */
export function RequestTable(
  { pool, rows, columns, base }: {
    pool: number;
    rows: RequestRow[];
    columns: string[];
    /** Link prefix of a row; default `#/pools/<pool>/r/`. */
    base?: string;
  },
) {
  const prefix = base ?? `#/pools/${pool}/r/`;
  const max = Math.max(1, ...rows.map((r) => r.durationUs));
  return (
    <div class="table-wrap">
      <table class="grid requests" data-testid="requests">
        <thead>
          <tr>
            <th>Start</th>
            <th>Status</th>
            <th class="w-dur">Duration</th>
            {columns.map((c, i) => <th key={c} class={i > 0 ? "hide-sm" : ""}>{c}</th>)}
            <th class="hide-md">Applications</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.requestId}>
              <td class="mono small nowrap" title={dateTime(r.startTs / 1000)}>
                <a href={`${prefix}${r.requestId}`}>{shortTime(r.startTs / 1000)}</a>
              </td>
              <td>
                <span class={`badge small rs-${r.status}`}>{r.status}</span>
              </td>
              <td>
                <div class="durbar">
                  <span
                    style={{ width: `${Math.max(2, (r.durationUs / max) * 100)}%` }}
                    class={`rs-${r.status}`}
                  />
                </div>
                <span class="mono small">{durUs(r.durationUs)}</span>
              </td>
              {columns.map((c, i) => (
                <td class={`${i > 0 ? "hide-sm " : ""}ellipsis`} title={String(r.columns[c] ?? "")}>
                  {String(r.columns[c] ?? "")}
                </td>
              ))}
              <td class="hide-md muted small">{r.applications.join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
