import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { assertEquals } from "../../tests/helpers/assert.ts";
import { type LiveFeedOptions, pumpLiveFeed } from "./live_feed.ts";

/** Serves one feed whose subscription pushes `items` at once; returns the events read until `until`. */
async function feed(
  items: number[],
  options: Partial<LiveFeedOptions<number>>,
  until: (events: string[]) => boolean,
) {
  let unsubscribed = 0;
  let closed = 0;
  let close: (() => void) | undefined;
  const app = new Hono().get("/live", (c) =>
    streamSSE(c, (stream) =>
      pumpLiveFeed<number>(stream, {
        subscribe: (push) => {
          for (const i of items) push(i);
          return () => unsubscribed++;
        },
        maxQueue: 3,
        overflow: "drop-oldest",
        hello: { event: "hello", data: "{}" },
        write: async (s, rows) => {
          for (const r of rows) await s.writeSSE({ event: "item", data: String(r) });
        },
        onOpen: (c) => (close = c),
        onClose: () => closed++,
        ...options,
      })));
  const res = await app.request("/live");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const events = () => text.split("\n\n").filter((b) => b.trim() !== "").map((b) => b.replace(/\n/g, " "));
  while (!until(events())) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  close?.();
  await reader.cancel();
  await new Promise((r) => setTimeout(r, 20));
  return { events: events(), unsubscribed, closed };
}

Deno.test("a full live feed drops the oldest items and says how many", async () => {
  const r = await feed([1, 2, 3, 4, 5], {}, (e) => e.some((x) => x.includes("dropped")));
  assertEquals(r.events, [
    "event: hello data: {}",
    "event: item data: 3",
    "event: item data: 4",
    "event: item data: 5",
    'event: dropped data: {"dropped":2}',
  ]);
  assertEquals([r.unsubscribed, r.closed], [1, 1], "the subscription ends with the feed");
});

Deno.test("a feed that refuses new items when full counts them, and pings when idle", async () => {
  let drops = 0;
  const r = await feed(
    [1, 2, 3, 4, 5],
    { overflow: "drop-newest", onDrop: () => drops++, keepAliveMs: 30 },
    (e) => e.some((x) => x.includes("ping")),
  );
  assertEquals(r.events, [
    "event: hello data: {}",
    "event: item data: 1",
    "event: item data: 2",
    "event: item data: 3",
    "event: ping data: {}",
  ]);
  assertEquals(drops, 2);
});
