/**
 * `deno task cert -- [--etc DIR] <command>`: operate certificates and trust files of the services
 * under `<etc>` (default `$SONDE_ETC`, else `./data/etc`).
 *
 * ```
 * show <service>                      fingerprints of the service's certificates
 * list <service>                      fingerprints the service trusts
 * trust <service> <fingerprint> [comment...]
 * untrust <service> <fingerprint>
 * reset-agent                         delete agent/trusted_certificates.cfg (next server is trusted on first use)
 * regenerate <service>                new certificates; dependents' trust files are updated
 * init <service...>                   create missing certificates and trust entries
 * accept-agent <name>                 accept an agent's changed certificate (needs the server database)
 * ```
 *
 * The server wires `accept-agent` by calling {@linkcode runCertCli} with a `hooks.acceptAgent`.
 *
 * @module
 */
import { join } from "node:path";
import { errorMessage } from "../errors.ts";
import { readCertificateFile } from "./certificates.ts";
import { parseFingerprint } from "./fingerprint.ts";
import { ensureServiceIdentity, IDENTITY_FILES, parseServiceName } from "./identity.ts";
import {
  addTrustedFingerprint,
  readTrustFile,
  removeTrustedFingerprints,
  TRUST_FILE_NAME,
} from "./trust_file.ts";

/** Functions the `cert` command cannot do on its own; the server provides them. */
export interface CertCliHooks {
  /** Accepts the changed server-certificate fingerprint of agent `name`; returns a line to print. */
  acceptAgent?: (name: string, etc: string) => Promise<string>;
}

const USAGE = `usage: deno task cert -- [--etc DIR] <command>
  show <service>                       fingerprints of the service's certificates
  list <service>                       fingerprints the service trusts
  trust <service> <fingerprint> [comment...]
  untrust <service> <fingerprint>
  reset-agent                          delete agent/${TRUST_FILE_NAME} (next server is trusted on first use)
  regenerate <service>                 new certificates; dependents' trust files are updated
  init <service...>                    create missing certificates and trust entries
  accept-agent <name>                  accept an agent's changed certificate (requires the server database)
services: agent, server, worker, ecomm, webserver, snmp`;

type Print = (line: string) => void;

function defaultEtc(): string {
  try {
    return Deno.env.get("SONDE_ETC") || "./data/etc";
  } catch {
    return "./data/etc";
  }
}

async function show(etc: string, name: string, print: Print): Promise<void> {
  const dir = join(etc, parseServiceName(name));
  for (
    const [role, file] of [["server", IDENTITY_FILES.server], ["client", IDENTITY_FILES.client]] as const
  ) {
    const check = await readCertificateFile(join(dir, file));
    print(
      check.ok
        ? `${role} ${check.material.fingerprint} ${join(dir, file)}`
        : `${role} invalid: ${check.reason}`,
    );
  }
}

async function regenerate(etc: string, name: string, print: Print): Promise<void> {
  const service = parseServiceName(name);
  const dir = join(etc, service);
  const old: string[] = [];
  for (const file of [IDENTITY_FILES.server, IDENTITY_FILES.client]) {
    const check = await readCertificateFile(join(dir, file));
    old.push(check.ok ? check.material.fingerprint : "(none)");
    await Deno.remove(join(dir, file)).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
  }
  const identity = await ensureServiceIdentity(etc, service);
  print(`server ${old[0]} -> ${identity.server.fingerprint}`);
  print(`client ${old[1]} -> ${identity.client.fingerprint}`);
  if (service === "server") {
    print(
      "agents trust the old server client certificate: reset or patch agent/trusted_certificates.cfg on every agent",
    );
  }
}

/**
 * Runs the `cert` command with `args`; returns the exit code (0 ok, 1 failed, 2 usage). Output goes
 * to `print`, errors to `printError`.
 */
export async function runCertCli(
  args: string[],
  hooks: CertCliHooks = {},
  print: Print = console.log,
  printError: Print = console.error,
): Promise<number> {
  const rest = args[0] === "--" ? args.slice(1) : [...args];
  let etc = defaultEtc();
  const at = rest.indexOf("--etc");
  if (at >= 0) {
    if (!rest[at + 1]) return (printError("--etc needs a folder\n" + USAGE), 2);
    etc = rest[at + 1]!;
    rest.splice(at, 2);
  }
  const [cmd, ...params] = rest;
  const need = (n: number) => {
    if (params.length < n) throw new UsageError(`"${cmd}" needs ${n} argument(s), got ${params.length}`);
  };
  const trustPath = (service: string) => join(etc, parseServiceName(service), TRUST_FILE_NAME);
  const commands: Record<string, () => Promise<void>> = {
    show: async () => (need(1), await show(etc, params[0]!, print)),
    list: async () => {
      need(1);
      for (const fp of await readTrustFile(trustPath(params[0]!))) print(fp);
    },
    trust: async () => {
      need(2);
      const fp = parseFingerprint(params[1]!);
      await Deno.mkdir(join(etc, parseServiceName(params[0]!)), { recursive: true });
      const added = await addTrustedFingerprint(
        trustPath(params[0]!),
        fp,
        params.slice(2).join(" ") || undefined,
      );
      print(added ? `trusted ${fp}` : `already trusted ${fp}`);
    },
    untrust: async () => {
      need(2);
      const fp = parseFingerprint(params[1]!);
      print(
        await removeTrustedFingerprints(trustPath(params[0]!), [fp]) ? `untrusted ${fp}` : `not listed ${fp}`,
      );
    },
    "reset-agent": async () => {
      const path = trustPath("agent");
      const existed = await Deno.remove(path).then(() => true, () => false);
      print(
        existed
          ? `removed ${path}: the next server to connect is trusted on first use`
          : `${path} did not exist`,
      );
    },
    regenerate: async () => (need(1), await regenerate(etc, params[0]!, print)),
    init: async () => {
      need(1);
      for (const name of params) {
        const id = await ensureServiceIdentity(etc, parseServiceName(name));
        print(`${name} server ${id.server.fingerprint}\n${name} client ${id.client.fingerprint}`);
      }
    },
    "accept-agent": async () => {
      need(1);
      if (!hooks.acceptAgent) throw new Error(`accept-agent "${params[0]}" requires the server database`);
      print(await hooks.acceptAgent(params[0]!, etc));
    },
  };
  const run = cmd ? commands[cmd] : undefined;
  if (!run) return (printError((cmd ? `unknown command "${cmd}"\n` : "") + USAGE), 2);
  try {
    await run();
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return (printError(`${e.message}\n${USAGE}`), 2);
    printError(`cert ${cmd}: ${errorMessage(e)}`);
    return 1;
  }
}

class UsageError extends Error {}

if (import.meta.main) Deno.exit(await runCertCli(Deno.args));
