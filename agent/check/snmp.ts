/**
 * SNMP value check: one OID read with GET (v1 or v2c) from `host:port`, judged as Nagios check_snmp
 * does: a number (Integer, Counter, Gauge, TimeTicks, Counter64) against `warn` / `crit` ranges and as
 * perfdata, text against `expect` (substring) or `regex`. No answer is CRITICAL; an OID the agent does
 * not have is UNKNOWN. net-snmp is loaded on the first SNMP check only (agents without one stay small).
 * @module
 */
import type { CheckSpecOf } from "@sonde/shared/wire/agent_config";
import { toRegExp } from "@sonde/shared/wire/agent_config";
import type { Varbind } from "../snmp/net_snmp.ts";
import type { CheckOutcome, CheckType } from "./check_type.ts";
import { thresholdState, worst } from "./range.ts";

type NetSnmp = typeof import("../snmp/net_snmp.ts").netSnmp;

let loaded: Promise<NetSnmp> | undefined;
const netSnmp = () => loaded ??= import("../snmp/net_snmp.ts").then((m) => m.netSnmp);

/** Reads one OID; the time budget is the check's timeout (the runner's signal also ends it). */
function get(snmp: NetSnmp, p: CheckSpecOf<"snmp">["params"], timeoutMs: number, signal: AbortSignal) {
  return new Promise<Varbind>((resolve, reject) => {
    const session = snmp.createSession(p.host, p.community, {
      port: p.port,
      version: p.version === "1" ? snmp.Version1 : snmp.Version2c,
      timeout: Math.max(100, Math.floor(timeoutMs / 2)),
      retries: 1,
    });
    const done = () => {
      signal.removeEventListener("abort", abort);
      try {
        session.close();
      } catch { /* closed */ }
    };
    const abort = () => {
      done();
      reject(signal.reason);
    };
    signal.addEventListener("abort", abort, { once: true });
    session.on("error", (e) => {
      done();
      reject(e);
    });
    session.get([p.oid], (error, varbinds) => {
      done();
      if (error) reject(error);
      else resolve(varbinds![0]!);
    });
  });
}

/** A number for numeric SNMP types, else undefined. */
function numberOf(snmp: NetSnmp, v: Varbind): number | undefined {
  const t = snmp.ObjectType;
  if ([t.Integer, t.Counter, t.Gauge, t.TimeTicks].includes(v.type)) return Number(v.value);
  if (v.type === t.Counter64 && v.value instanceof Uint8Array) {
    let n = 0n;
    for (const b of v.value) n = (n << 8n) | BigInt(b);
    return Number(n);
  }
  return undefined;
}

function textOf(v: Varbind): string {
  return v.value instanceof Uint8Array ? new TextDecoder().decode(v.value) : String(v.value);
}

/** The SNMP value check type. */
export const snmpCheck: CheckType<"snmp"> = {
  type: "snmp",
  timeoutState: "CRITICAL",
  async run(spec, signal): Promise<CheckOutcome> {
    const p = spec.params;
    const snmp = await netSnmp();
    const where = `${p.host}:${p.port}`;
    let v: Varbind;
    try {
      v = await get(snmp, p, spec.timeoutMs, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      const e = error as Error;
      if (e.name === "RequestFailedError") {
        // the agent answered with an error status: SNMPv1's noSuchName is an OID it does not have
        const state = /^NoSuchName/.test(e.message) ? "UNKNOWN" : "CRITICAL";
        return { state, message: `${where} refused ${p.oid}: ${e.message}` };
      }
      return { state: "CRITICAL", message: `No SNMP answer from ${where} for ${p.oid}: ${e.message}` };
    }

    if (snmp.isVarbindError(v)) {
      return { state: "UNKNOWN", message: `${where} has no value for ${p.oid} (${snmp.varbindError(v)})` };
    }
    const label = p.label ?? p.oid;
    const n = numberOf(snmp, v);
    const text = n === undefined ? textOf(v) : String(n);
    const problems: string[] = [];
    let state: CheckOutcome["state"] = "OK";
    if (p.warn !== undefined || p.crit !== undefined) {
      if (n === undefined) {
        return {
          state: "UNKNOWN",
          message: `${label} = "${text}" is not a number to compare with the ranges`,
        };
      }
      state = thresholdState(n, p.warn, p.crit);
      if (state !== "OK") problems.push(`${label} = ${n} (warn ${p.warn ?? "-"}, crit ${p.crit ?? "-"})`);
    }
    if (p.expect !== undefined && !text.includes(p.expect)) {
      state = worst(state, "CRITICAL");
      problems.push(`"${p.expect}" not in ${label} = "${text}"`);
    }
    if (p.regex !== undefined && !toRegExp(p.regex).test(text)) {
      state = worst(state, "CRITICAL");
      problems.push(`pattern ${p.regex} does not match ${label} = "${text}"`);
    }
    const summary = `SNMP ${label} = ${n === undefined ? JSON.stringify(text) : n}`;
    return {
      state,
      message: problems.length ? `${state}: ${problems.join("; ")}` : summary,
      perfdata: n === undefined ? undefined : [{ label, value: n, warn: p.warn, crit: p.crit }],
    };
  },
};
