/**
 * Group commit: pages pulled from many agents at about the same time are stored in one transaction
 * (one COPY, one rollup statement, one cursor statement, one WAL flush) instead of one each. A group
 * is written when it holds `maxItems` pages or `maxWaitMs` after its first page. When a group fails,
 * its pages are stored one by one, so one agent's problem (a moved cursor) stays that agent's.
 * @module
 */
import type { IngestItem, Ingestor, IngestResult } from "../store/ingest.ts";

interface Pending {
  item: IngestItem;
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

/** Collects pages into groups and stores each group in one transaction. */
export class GroupCommitter {
  #pending: Pending[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Groups written and pages in them (for metrics). */
  readonly stats = { groups: 0, pages: 0, fallbacks: 0, seconds: 0 };

  constructor(
    private readonly ingestor: Ingestor,
    private readonly maxItems = 64,
    private readonly maxWaitMs = 15,
  ) {}

  /** Stores one page with others; resolves when its group committed. */
  submit(item: IngestItem): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (this.#pending.length >= this.maxItems) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.maxWaitMs);
    });
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const group = this.#pending.splice(0, this.#pending.length);
    if (group.length > 0) void this.#write(group);
  }

  async #write(group: Pending[]): Promise<void> {
    const t0 = performance.now();
    try {
      const results = await this.ingestor.ingestMany(group.map((p) => p.item));
      this.stats.seconds += (performance.now() - t0) / 1000;
      this.stats.groups++;
      this.stats.pages += group.length;
      group.forEach((p, i) => p.resolve(results[i]!));
    } catch (e) {
      if (group.length === 1) return group[0]!.reject(e);
      this.stats.fallbacks++;
      for (const p of group) {
        try {
          p.resolve(
            await this.ingestor.ingest(p.item.agentId, p.item.fromSeq, p.item.records, p.item.agentFields),
          );
        } catch (err) {
          p.reject(err);
        }
      }
    }
  }
}
