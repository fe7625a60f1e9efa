/**
 * The server side of a live Server-Sent Events feed, shared by the Worker's RPC (`/rpc/live`) and the
 * Webservice's browser API (`/api/live`): items pushed by a subscription wait in a bounded queue and are
 * written as they come, a `ping` keeps an idle connection open, and the subscription ends with the
 * connection.
 *
 * @example
 * ```ts
 * return streamSSE(c, (stream) =>
 *   pumpLiveFeed(stream, {
 *     subscribe: (push) => hub.subscribe(push),
 *     maxQueue: 500,
 *     overflow: "drop-newest",
 *     hello: { event: "hello", data: "{}" },
 *     write: (s, rows) => s.writeSSE({ event: "requests", data: JSON.stringify(rows) }),
 *   }));
 * ```
 * @module
 */
import type { SSEStreamingApi } from "hono/streaming";

/** Options of {@linkcode pumpLiveFeed}. */
export interface LiveFeedOptions<T> {
  /** Starts delivering items to `push`; returns the unsubscribe function. */
  subscribe(push: (item: T) => void): () => void;
  /** Items that may wait; what happens beyond is `overflow`. */
  maxQueue: number;
  /**
   * `drop-oldest`: the oldest waiting item gives way and a `dropped` event (`{"dropped": n}`) follows the
   * next writes; `drop-newest`: the new item is refused. Either way `onDrop` counts it.
   */
  overflow: "drop-oldest" | "drop-newest";
  onDrop?: () => void;
  /** First event, written once subscribed. */
  hello: { event: string; data: string };
  /** Writes the waiting items (one event each, or all in one). */
  write(stream: SSEStreamingApi, items: T[]): Promise<void>;
  /** Called with a function that ends the feed (server shutdown), before anything is written. */
  onOpen?(close: () => void): void;
  /** Called when the feed ended, however it ended, with the same function `onOpen` got. */
  onClose?(close: () => void): void;
  /** Idle time before a `ping` event. Default 15 s. */
  keepAliveMs?: number;
}

/** Pumps a live feed into `stream` until the client goes away or `close` (see `onOpen`) is called. */
export async function pumpLiveFeed<T>(stream: SSEStreamingApi, o: LiveFeedOptions<T>): Promise<void> {
  const queue: T[] = [];
  let dropped = 0;
  let wake: (() => void) | undefined;
  const unsubscribe = o.subscribe((item) => {
    if (queue.length >= o.maxQueue) {
      o.onDrop?.();
      if (o.overflow === "drop-newest") return;
      queue.shift();
      dropped++;
    }
    queue.push(item);
    wake?.();
  });
  let open = true;
  const close = () => {
    open = false;
    wake?.();
  };
  stream.onAbort(close);
  o.onOpen?.(close);
  try {
    await stream.writeSSE(o.hello);
    while (open) {
      if (queue.length === 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((r) => {
          wake = r;
          timer = setTimeout(r, o.keepAliveMs ?? 15_000);
        });
        clearTimeout(timer);
        wake = undefined;
        if (queue.length === 0 && open) await stream.writeSSE({ event: "ping", data: "{}" });
        continue;
      }
      await o.write(stream, queue.splice(0, queue.length));
      if (dropped > 0 && open) {
        await stream.writeSSE({ event: "dropped", data: JSON.stringify({ dropped }) });
        dropped = 0;
      }
    }
  } finally {
    unsubscribe();
    o.onClose?.(close);
  }
}
