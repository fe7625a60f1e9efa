import { assertEquals } from "../../tests/helpers/assert.ts";
import type { RequestEvent } from "@sonde/shared/api";
import { buildSpanTree } from "./span_tree.ts";

const app = { appName: "shop", appId: "1", appTierName: "web", appTierId: "w1" };
let t = 0;
function ev(spanId: string, flags: number, text: string, parentSpanId?: string): RequestEvent {
  const e: RequestEvent = {
    tsUs: t += 10,
    app,
    pid: 1,
    tid: 2,
    module: "m",
    text,
    flags,
    level: 0,
    requestId: "1".repeat(32),
    spanId,
    agent: "a",
  };
  if (parentSpanId) e.parentSpanId = parentSpanId;
  return e;
}

Deno.test("span tree nests ENTER/LEAVE by parent span and takes the worst status of each span", () => {
  t = 0;
  const a = "a".repeat(16), b = "b".repeat(16), c = "c".repeat(16), x = "d".repeat(16);
  const tree = buildSpanTree([
    ev(a, 1, "root"),
    ev(b, 1, "first", a),
    ev(b, 8, "slow", a),
    ev(b, 2, "first", a),
    ev(c, 1, "second", a),
    ev(c, 16, "boom", a),
    ev(x, 1, "orphan", "e".repeat(16)),
    ev(a, 2, "root"),
  ]);
  assertEquals(tree.map((n) => [n.text, n.status, n.durationUs]), [["root", "ok", 70], ["orphan", "ok", 0]]);
  assertEquals(tree[0]!.children.map((n) => [n.text, n.status, n.durationUs, n.startUs]), [
    ["first", "warning", 20, 20],
    ["second", "error", 10, 50],
  ]);
});

Deno.test("span tree shows every span of a parent cycle in bad data as a root", () => {
  t = 0;
  const a = "a".repeat(16), b = "b".repeat(16);
  const tree = buildSpanTree([ev(a, 1, "a", b), ev(b, 1, "b", a), ev(a, 2, "a", b)]);
  assertEquals(tree.map((n) => [n.text, n.children.length]), [["a", 0], ["b", 0]], "both shown, no loop");
});
