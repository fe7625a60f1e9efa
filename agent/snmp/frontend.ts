/**
 * How SONDE-MIB reaches SNMP managers: through the host's snmpd as an AgentX sub-agent
 * (`subagent.ts`) or as a standalone agent on its own UDP port (`standalone.ts`). Both serve the same
 * net-snmp MIB object, which the refresher updates.
 * @module
 */
import type { Mib, Provider } from "./net_snmp.ts";
import type { Logger } from "@sonde/shared/log";

/** A running way of serving the MIB. */
export interface SnmpFrontend {
  /** `agentx tcp:127.0.0.1:705` or `udp 127.0.0.1:16161`, for logs. */
  readonly description: string;
  /** Whether managers can currently reach the values (the AgentX session is open). */
  connected(): boolean;
  close(): Promise<void>;
}

/** What a frontend is started with. */
export interface FrontendContext {
  mib: Mib;
  providers: Provider[];
  log: Logger;
}

/** Starts a frontend; resolves once it serves (or, for AgentX, once the first attempt finished). */
export type FrontendFactory = (ctx: FrontendContext) => Promise<SnmpFrontend>;
