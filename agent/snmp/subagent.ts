/**
 * AgentX sub-agent: connects to the host's snmpd (`master agentx`), opens a session and registers
 * SONDE-MIB's providers one at a time (net-snmp reads one AgentX PDU per TCP read, so a burst of
 * registrations loses replies). When the master goes away the session is re-opened every
 * `retryMs` until it is back; values keep being refreshed meanwhile.
 * @module
 */
import type { HostPort } from "@sonde/shared/config";
import type { FrontendContext, FrontendFactory } from "./frontend.ts";
import { type AgentXPdu, netSnmp, type Subagent } from "./net_snmp.ts";

function step(
  what: string,
  timeoutMs: number,
  run: (cb: (e: Error | null, pdu?: AgentXPdu) => void) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`AgentX ${what}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    run((e, pdu) => {
      clearTimeout(timer);
      if (e) reject(new Error(`AgentX ${what}: ${e.message}`));
      else if (pdu?.error) reject(new Error(`AgentX ${what}: master answered error ${pdu.error}`));
      else resolve();
    });
  });
}

async function openSession(master: HostPort, ctx: FrontendContext, onClose: () => void): Promise<Subagent> {
  const sub = netSnmp.createSubagent({
    master: master.hostname,
    masterPort: master.port,
    mib: ctx.mib,
    description: "Sonde SNMP sub-agent",
  });
  let closed = false;
  const failed = new Promise<never>((_, reject) => {
    sub.on(
      "error",
      (e) => reject(new Error(`AgentX master ${master.hostname}:${master.port}: ${e.message}`)),
    );
    sub.on("close", () => {
      reject(new Error(`AgentX master ${master.hostname}:${master.port} closed the connection`));
      if (!closed) {
        closed = true;
        onClose();
      }
    });
  });
  failed.catch(() => {});
  try {
    await Promise.race([failed, step("open", 5000, (cb) => sub.open(cb))]);
    for (const p of ctx.providers) {
      await Promise.race([failed, step(`register ${p.name}`, 5000, (cb) => sub.registerProvider(p, cb))]);
    }
  } catch (e) {
    closed = true;
    sub.socket?.destroy();
    throw e;
  }
  return sub;
}

/** A sub-agent of the snmpd listening for AgentX on `master` (TCP). */
export function subagentFrontend(master: HostPort, retryMs = 5000): FrontendFactory {
  return async (ctx) => {
    const description = `agentx tcp:${master.hostname}:${master.port}`;
    let sub: Subagent | undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    const connect = async (): Promise<void> => {
      if (stopped) return;
      try {
        sub = await openSession(master, ctx, () => {
          sub = undefined;
          if (stopped) return;
          ctx.log.warn("agentx session lost, reconnecting", { master: description });
          timer = setTimeout(connect, retryMs);
        });
        failures = 0;
        ctx.log.info("agentx session open", { master: description, providers: ctx.providers.length });
      } catch (e) {
        if (failures++ === 0) {
          ctx.log.warn("agentx connect failed, retrying", { error: (e as Error).message });
        }
        if (!stopped) timer = setTimeout(connect, retryMs);
      }
    };
    await connect();
    return {
      description,
      connected: () => sub !== undefined,
      close: async () => {
        stopped = true;
        clearTimeout(timer);
        const s = sub;
        sub = undefined;
        if (!s) return;
        await step("close", 2000, (cb) => s.close(cb)).catch(() => {});
        s.socket?.destroy();
      },
    };
  };
}
