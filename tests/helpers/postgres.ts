/**
 * Throwaway PostgreSQL 15 clusters for tests and benchmarks: `initdb` + `pg_ctl` in a temporary
 * folder, as the `postgres` user when running as root, on a free port; torn down by `stop()`.
 * @module
 */

/** A running throwaway cluster. */
export interface PostgresCluster {
  /** Superuser URL of the `postgres` database. */
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

const CANDIDATES = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"];

/** Finds the PostgreSQL server binaries or throws one clear error that says how to install them. */
export function findPostgresBin(): string {
  const fromEnv = Deno.env.get("SONDE_PG_BIN");
  for (const dir of fromEnv ? [fromEnv, ...CANDIDATES] : CANDIDATES) {
    try {
      Deno.statSync(`${dir}/initdb`);
      return dir;
    } catch {
      // try the next candidate
    }
  }
  throw new Error(
    "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/15/bin. " +
      "Install them with `apt-get install -y postgresql-15` (Debian/Ubuntu), or point SONDE_PG_BIN at the folder holding initdb.",
  );
}

async function run(cmd: string, args: string[], asPostgres: boolean): Promise<string> {
  const full = asPostgres
    ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] as const
    : [cmd, args] as const;
  const out = await new Deno.Command(full[0], { args: [...full[1]], stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${out.code}):\n${text}`);
  return text;
}

/** Returns a TCP port that was free a moment ago. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Options of {@linkcode startPostgres}. */
export interface StartOptions {
  /** Durable settings (fsync on) for benchmarks; tests default to fast, non-durable settings. */
  durable?: boolean;
}

/** Starts a throwaway cluster. */
export async function startPostgres(options: StartOptions = {}): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  const asPostgres = Deno.uid?.() === 0;
  const dir = await Deno.makeTempDir({ prefix: "sonde-pg-" });
  if (asPostgres) await run("chown", ["postgres:postgres", dir], false);
  const data = `${dir}/data`;
  await run(`${bin}/initdb`, [
    "-D",
    data,
    "-A",
    "trust",
    "-U",
    "sonde",
    "-E",
    "UTF8",
    "--no-sync",
    "--no-instructions",
  ], asPostgres);
  const port = freePort();
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    "-c max_connections=200",
    "-c shared_buffers=256MB",
    "-c max_wal_size=2GB",
    ...(options.durable ? [] : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
  ];
  await run(`${bin}/pg_ctl`, [
    "-D",
    data,
    "-o",
    settings.join(" "),
    "-l",
    `${dir}/log`,
    "-w",
    "-t",
    "60",
    "start",
  ], asPostgres);
  // a watchdog stops the cluster when this process ends without calling stop() (killed, crashed)
  const pgCtlStop = `${
    asPostgres ? "runuser -u postgres -- " : ""
  }${bin}/pg_ctl -D ${data} -m immediate stop`;
  const watchdog = new Deno.Command("sh", {
    args: [
      "-c",
      `while kill -0 ${Deno.pid} 2>/dev/null; do sleep 2; done; ${pgCtlStop} >/dev/null 2>&1; rm -rf ${dir}`,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  watchdog.unref();
  let stopped = false;
  return {
    url: `postgres://sonde@127.0.0.1:${port}/postgres`,
    port,
    dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        watchdog.kill("SIGKILL");
      } catch {
        // already gone
      }
      try {
        await run(`${bin}/pg_ctl`, ["-D", data, "-m", "immediate", "-w", "stop"], asPostgres);
      } finally {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
  };
}
