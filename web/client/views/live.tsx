/** @jsxImportSource preact */
/**
 * Live view: newest requests streamed over server-sent events (`GET /api/live?pool=`), updating itself;
 * pause keeps the list still while new rows are counted. Deep link: `#/live?pool=1`.
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api.ts";
import { Empty, PageHeader, useApi } from "../components/ui.tsx";
import { type RequestRow, RequestTable } from "../components/request_table.tsx";

const KEEP = 200;

/** The live view. */
export function LiveView({ query }: { query: URLSearchParams }) {
  const pool = Number(query.get("pool") ?? "") || undefined;
  const pools = useApi(() => api<{ id: number; name: string; columns: { name: string }[] }[]>("/pools"), []);
  const [rows, setRows] = useState<RequestRow[]>([]);
  const [connected, setConnected] = useState(false);
  const [paused, setPaused] = useState(false);
  const [missed, setMissed] = useState(0);
  const pausedRef = useRef(false);
  pausedRef.current = paused;
  useEffect(() => {
    const es = new EventSource(`/api/live${pool ? `?pool=${pool}` : ""}`);
    es.addEventListener("hello", () => setConnected(true));
    es.addEventListener("requests", (e) => {
      const fresh = JSON.parse((e as MessageEvent).data) as RequestRow[];
      if (pausedRef.current) {
        setMissed((m) => m + fresh.length);
        return;
      }
      setRows((old) => [...fresh.reverse(), ...old].slice(0, KEEP));
    });
    es.onerror = () => setConnected(false);
    return () => es.close();
  }, [pool]);
  const current = pools.data?.find((p) => p.id === pool) ?? pools.data?.[0];
  return (
    <div class="view">
      <PageHeader
        title="Live"
        sub={
          <span class="live-state" data-testid="live-state">
            <span class={`pulse${connected ? " on" : ""}`} aria-hidden="true" />{" "}
            {connected ? (paused ? "Paused" : "Receiving") : "Connecting…"}
            {" · "}
            {rows.length} requests shown{missed ? ` · ${missed} new while paused` : ""}
          </span>
        }
      >
        <button
          type="button"
          class="btn small"
          onClick={() => {
            setPaused(!paused);
            setMissed(0);
          }}
        >
          {paused ? "Resume" : "Pause"}
        </button>
        <button type="button" class="btn small ghost" onClick={() => setRows([])}>Clear</button>
      </PageHeader>
      {rows.length === 0 ? <Empty>Waiting for requests…</Empty> : (
        <RequestTable
          pool={current?.id ?? 1}
          rows={rows}
          columns={(current?.columns ?? []).map((c) => c.name)}
        />
      )}
    </div>
  );
}
