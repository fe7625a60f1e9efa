/** Helpers of the trust end-to-end tests: real openssl, real processes. */

const decoder = new TextDecoder();

/** Runs `openssl args` in `cwd`; throws with the output when it fails. */
export async function openssl(args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command("openssl", { args, cwd, stdin: "null" }).output();
  const text = decoder.decode(out.stdout) + decoder.decode(out.stderr);
  if (!out.success) throw new Error(`openssl ${args.join(" ")} failed: ${text}`);
  return text;
}

/**
 * Makes `<dir>/cli_certificate.pem` with exactly the seed's commands; returns the line
 * `openssl x509 -fingerprint -sha256 -noout` prints for it (`sha256 Fingerprint=AB:…`).
 */
export async function seedClientCertificate(dir: string, cn: string): Promise<string> {
  await openssl(["genrsa", "-out", "key.pem", "2048"], dir);
  await openssl(
    ["req", "-new", "-key", "key.pem", "-out", "key.csr", "-subj", `/C=AT/O=Example/CN=${cn}`],
    dir,
  );
  await openssl([
    "x509",
    "-req",
    "-days",
    "3650",
    "-in",
    "key.csr",
    "-signkey",
    "key.pem",
    "-out",
    "certificate.pem",
  ], dir);
  const pem = await Deno.readTextFile(`${dir}/key.pem`) + await Deno.readTextFile(`${dir}/certificate.pem`);
  await Deno.writeTextFile(`${dir}/cli_certificate.pem`, pem); // cat key.pem certificate.pem > cli_certificate.pem
  return (await openssl(["x509", "-fingerprint", "-sha256", "-noout", "-in", "cli_certificate.pem"], dir))
    .trim();
}

/**
 * Sends one HTTP/1.1 GET through `openssl s_client` (optionally with a client certificate file
 * holding key and certificate) and returns whatever application data came back ("" when refused).
 */
export async function sClientGet(port: number, path: string, certFile?: string): Promise<string> {
  const args = ["s_client", "-connect", `127.0.0.1:${port}`, "-quiet", "-verify_quiet"];
  if (certFile) args.push("-cert", certFile, "-key", certFile);
  const child = new Deno.Command("openssl", { args, stdin: "piped", stdout: "piped", stderr: "piped" })
    .spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 8000);
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`))
    .catch(() => {});
  const out = await child.output();
  clearTimeout(timer);
  await writer.close().catch(() => {});
  return decoder.decode(out.stdout);
}

/** A child Deno process whose first stdout line is JSON (its start-up report). */
export interface Child {
  proc: Deno.ChildProcess;
  first: Record<string, unknown>;
  /** stderr collected so far (log lines). */
  stderr: () => string;
  stop: () => Promise<void>;
}

/** Starts `deno run -A <script> ...args` and waits for its first stdout line. */
export async function startChild(script: string, args: string[]): Promise<Child> {
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(script, import.meta.url).pathname, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let err = "";
  const errDone = proc.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (err += chunk) }),
  ).catch(() => {});
  const lines = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  while (!buf.includes("\n")) {
    const { value, done } = await lines.read();
    if (done) throw new Error(`${script} exited before reporting: ${err}`);
    buf += value;
  }
  const first = JSON.parse(buf.slice(0, buf.indexOf("\n")));
  const outDone = (async () => {
    while (!(await lines.read()).done) { /* drain */ }
  })().catch(() => {});
  return {
    proc,
    first,
    stderr: () => err,
    stop: async () => {
      try {
        proc.kill("SIGTERM");
      } catch { /* already gone */ }
      await proc.status;
      await Promise.all([errDone, outDone]);
    },
  };
}

/** Waits until `cond()` holds or `ms` passed. */
export async function eventually(cond: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  return cond();
}
