/**
 * Store fixtures: fresh databases on the suite's throwaway PostgreSQL cluster (started by
 * `tests/run.ts`, or lazily here when a test file runs on its own) and fresh PGlite folders.
 * @module
 */
import postgres from "postgres";
import { type Engine, openStore, type Store } from "../../shared/db/mod.ts";
import { findPostgresBin, type PostgresCluster, startPostgres } from "./postgres.ts";

let own: Promise<PostgresCluster> | undefined;
let counter = 0;

/** URL of the suite's cluster (the `postgres` database, superuser). */
export async function clusterUrl(): Promise<string> {
  const fromEnv = Deno.env.get("SONDE_TEST_PG_URL");
  if (fromEnv) return fromEnv;
  if (!own) {
    own = startPostgres();
    const cluster = await own;
    globalThis.addEventListener("unload", () => {
      const pgCtl = [`${findPostgresBin()}/pg_ctl`, "-D", `${cluster.dir}/data`, "-m", "immediate", "stop"];
      const [cmd, ...args] = Deno.uid?.() === 0 ? ["runuser", "-u", "postgres", "--", ...pgCtl] : pgCtl;
      new Deno.Command(cmd!, { args, stdout: "null", stderr: "null" }).outputSync();
      Deno.removeSync(cluster.dir, { recursive: true });
    });
  }
  return (await own).url;
}

/** Creates an empty database on the suite's cluster and returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const url = await clusterUrl();
  const name = `t_${Deno.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  return url.replace(/\/[^/]*$/, `/${name}`);
}

/** Opens a fresh, migrated store on `engine`. */
export async function openTestStore(engine: Engine): Promise<Store & { dataDir: string }> {
  const dataDir = await Deno.makeTempDir({ prefix: "sonde-test-" });
  const store = engine === "postgres"
    ? await openStore({ databaseUrl: await createTestDatabase(), dataDir })
    : await openStore({ dataDir });
  return {
    ...store,
    dataDir,
    close: async () => {
      await store.close();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

/** Registers one test per engine, each with a fresh store. */
export function storeTest(
  name: string,
  fn: (store: Store) => Promise<void>,
  engines: Engine[] = ["postgres", "pglite"],
): void {
  for (const engine of engines) {
    Deno.test({
      name: `${name} [${engine}]`,
      sanitizeResources: false,
      sanitizeOps: false,
      fn: async () => {
        const store = await openTestStore(engine);
        try {
          await fn(store);
        } finally {
          await store.close();
        }
      },
    });
  }
}
