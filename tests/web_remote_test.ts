/**
 * The standalone Webservice's Backend over real mTLS: a Worker and a Server stand-in (the RPC router
 * over the development backend) with their own certificates under a temporary `<etc>`; the Webservice
 * pins their server certificates and is accepted by its client certificate.
 */
import { assert, assertEquals, assertRejects } from "./helpers/assert.ts";
import { ValidationError } from "../shared/errors.ts";
import { ensureServiceIdentity } from "../shared/trust/mod.ts";
import { fileTrustPolicy, serveMtls } from "../shared/mtls/mod.ts";
import { createBackendRouter } from "../shared/wire/api_rpc.ts";
import { DevBackend } from "../web/dev_backend.ts";
import { connectRemoteBackend } from "../web/remote.ts";

Deno.test({
  name: "web remote backend: queries reach the Worker and configuration the Server over mTLS",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const etc = await Deno.makeTempDir({ prefix: "sonde-web-remote-" });
    const fake = new DevBackend({ liveEveryMs: 0, requests: 20 });
    const started: { stop(): Promise<void> }[] = [];
    try {
      // the Webservice's identity first, so the worker and server trust files list it
      await ensureServiceIdentity(etc, "webserver");
      const urls: Record<string, string> = {};
      for (const name of ["worker", "server"] as const) {
        const identity = await ensureServiceIdentity(etc, name);
        const srv = await serveMtls(createBackendRouter(fake), {
          listen: { hostname: "127.0.0.1", port: 0 },
          identity,
          trust: fileTrustPolicy(identity.trustFile),
          name,
        });
        started.push(srv);
        urls[name] = `https://127.0.0.1:${srv.port}`;
      }
      const { backend, client } = await connectRemoteBackend({
        etc,
        workerUrl: urls.worker!,
        serverUrl: urls.server!,
        intakeUrl: "http://127.0.0.1:9",
      });
      started.push({ stop: () => Promise.resolve(client.close()) });
      const tree = await backend.statusTree();
      assertEquals(
        tree.root.counts.OK + tree.root.counts.WARNING + tree.root.counts.CRITICAL + tree.root.counts.UNKNOWN,
        12,
      );
      const detail = await backend.service(2);
      assertEquals(detail.name, "HTTPS shop.example.com");
      const err = await assertRejects(
        () =>
          backend.putConfigObject("check", 23, {
            name: "x",
            type: "http",
            intervalMs: 60000,
            params: { url: "nope" },
          }),
      );
      assert(err instanceof ValidationError, "validation problems come back as ValidationError");
      assert((err as ValidationError).problems.some((p) => p.startsWith("params.url:")), String(err));
    } finally {
      for (const s of started.reverse()) await s.stop().catch(() => {});
      await Deno.remove(etc, { recursive: true }).catch(() => {});
    }
  },
});
