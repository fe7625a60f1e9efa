/**
 * TCP connect check: connects to `host:port`, optionally sends `send` and waits until the reply contains
 * `expect`; response-time thresholds `warnMs` / `critMs` (Nagios ranges, ms). Refused or unreachable is
 * CRITICAL; a reply without the expected text is CRITICAL once the peer closes or the timeout hits.
 * @module
 */
import type { PerfData } from "@sonde/shared/wire/types";
import type { CheckOutcome, CheckType } from "./check_type.ts";
import { thresholdState } from "./range.ts";

const MAX_REPLY = 64 * 1024;

/** The TCP check type. */
export const tcpCheck: CheckType<"tcp"> = {
  type: "tcp",
  timeoutState: "CRITICAL",
  async run(spec, signal): Promise<CheckOutcome> {
    const p = spec.params;
    const t0 = performance.now();
    let conn: Deno.TcpConn;
    try {
      conn = await Deno.connect({ hostname: p.host, port: p.port, signal });
    } catch (error) {
      if (signal.aborted) throw error;
      return {
        state: "CRITICAL",
        message: `Cannot connect to ${p.host}:${p.port}: ${(error as Error).message}`,
      };
    }
    const close = () => {
      try {
        conn.close();
      } catch { /* already closed */ }
    };
    signal.addEventListener("abort", close, { once: true });
    try {
      let reply = "";
      if (p.send !== undefined) await conn.write(new TextEncoder().encode(p.send));
      if (p.expect !== undefined) {
        const decoder = new TextDecoder();
        const buf = new Uint8Array(4096);
        while (!reply.includes(p.expect) && reply.length < MAX_REPLY) {
          const n = await conn.read(buf);
          if (n === null) break;
          reply += decoder.decode(buf.subarray(0, n), { stream: true });
        }
      }
      const ms = Math.round(performance.now() - t0);
      const perfdata: PerfData[] = [{ label: "time", value: ms, uom: "ms", warn: p.warnMs, crit: p.critMs }];
      if (p.expect !== undefined && !reply.includes(p.expect)) {
        const shown = JSON.stringify(reply.slice(0, 80));
        return {
          state: "CRITICAL",
          message: `Expected "${p.expect}" from ${p.host}:${p.port}, got ${shown}`,
          perfdata,
        };
      }
      const state = thresholdState(ms, p.warnMs, p.critMs);
      const what = `TCP ${p.host}:${p.port} answered in ${ms} ms`;
      return { state, message: state === "OK" ? what : `${state}: ${what}`, perfdata };
    } catch (error) {
      if (signal.aborted) throw error;
      return {
        state: "CRITICAL",
        message: `Connection to ${p.host}:${p.port} failed: ${(error as Error).message}`,
      };
    } finally {
      signal.removeEventListener("abort", close);
      close();
    }
  },
};
