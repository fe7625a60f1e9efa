/**
 * Standalone fallback: SONDE-MIB served by net-snmp's own agent on a UDP port (v1/v2c, read-only,
 * one community), for hosts without an snmpd master agent.
 * @module
 */
import type { HostPort } from "@sonde/shared/config";
import type { FrontendFactory } from "./frontend.ts";
import { netSnmp } from "./net_snmp.ts";

/** A standalone agent on `listen` answering the `community`. */
export function standaloneFrontend(listen: HostPort, community: string): FrontendFactory {
  return ({ mib, providers, log }) => {
    let failures = 0;
    const agent = netSnmp.createAgent(
      { port: listen.port, address: listen.hostname, transport: "udp4" },
      (error) => {
        if (!error) return;
        // bad packets are counted; the log shows the 1st, 10th, 100th, ... so a flood stays quiet
        failures++;
        if (Math.log10(failures) % 1 === 0) {
          log.warn("snmp requests failed", { failures, last: error.message });
        }
      },
      mib,
    );
    agent.getAuthorizer().addCommunity(community);
    for (const p of providers) agent.registerProvider(p);
    const description = `udp ${listen.hostname}:${listen.port}`;
    log.info("standalone snmp agent listening", { address: description });
    return Promise.resolve({
      description,
      connected: () => true,
      close: () => new Promise<void>((resolve) => agent.close(() => resolve())),
    });
  };
}
