/**
 * SNMP test fixtures: a real snmpd (master agentx on TCP) started with a temporary configuration and
 * stopped by PID, and the net-snmp command-line tools (`snmpget`, `snmpwalk`) with numeric output.
 * @module
 */
import { freePort } from "./helpers/postgres.ts";

/** A running snmpd. */
export interface Snmpd {
  udpPort: number;
  agentxPort: number;
  /** Stops it (SIGTERM by PID) and waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same ports. */
  restart(): Promise<void>;
}

/** Starts snmpd on 127.0.0.1 with community `public` and an AgentX socket on TCP. */
export async function startSnmpd(dir: string, udpPort = freePort(), agentxPort = freePort()): Promise<Snmpd> {
  const conf = `${dir}/snmpd.conf`;
  await Deno.mkdir(`${dir}/persist`, { recursive: true });
  await Deno.writeTextFile(
    conf,
    [
      `agentAddress udp:127.0.0.1:${udpPort}`,
      "rocommunity public 127.0.0.1",
      "master agentx",
      `agentXSocket tcp:127.0.0.1:${agentxPort}`,
      "agentXTimeout 5",
      "",
    ].join("\n"),
  );
  let child: Deno.ChildProcess;
  const spawn = async () => {
    child = new Deno.Command("/usr/sbin/snmpd", {
      args: ["-f", "-Lf", `${dir}/snmpd.log`, "-C", "-c", conf, "-M", "/usr/share/snmp/mibs"],
      env: { SNMP_PERSISTENT_DIR: `${dir}/persist` },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port: agentxPort })).close();
        return;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`snmpd did not open AgentX port ${agentxPort}: ${e}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  await spawn();
  const stop = async () => {
    try {
      Deno.kill(child.pid, "SIGTERM");
    } catch {
      // already gone
    }
    await child.status;
  };
  return { udpPort, agentxPort, stop, restart: spawn };
}

/** Runs `snmpwalk -On -Oq -v2c` (or snmpget) and returns numeric OID → value (strings unquoted). */
export async function snmp(
  tool: "snmpget" | "snmpwalk",
  port: number,
  oids: string[],
  community = "public",
): Promise<Map<string, string>> {
  const out = await new Deno.Command(`/usr/bin/${tool}`, {
    args: ["-On", "-Oq", "-t", "1", "-r", "1", "-v2c", "-c", community, `127.0.0.1:${port}`, ...oids],
    env: { SNMP_PERSISTENT_DIR: Deno.env.get("SONDE_TEST_SNMP_DIR") ?? "/tmp/sonde-snmp-tools", MIBS: "" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${tool} ${oids.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^(\.[\d.]+) (.*)$/.exec(line);
    if (m) values.set(m[1]!.slice(1), m[2]!.replace(/^"(.*)"$/, "$1"));
  }
  return values;
}
