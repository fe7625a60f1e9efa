/**
 * The server's self-monitoring: counters and gauges rendered in the Prometheus text format on
 * `/metrics`.
 * @module
 */

type Labels = Record<string, string>;

interface Family {
  help: string;
  type: "counter" | "gauge";
  values: Map<string, { labels: Labels; value: number }>;
}

function labelKey(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(",");
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/** A small metrics registry. */
export class Metrics {
  #families = new Map<string, Family>();

  #family(name: string, help: string, type: "counter" | "gauge"): Family {
    let f = this.#families.get(name);
    if (!f) {
      f = { help, type, values: new Map() };
      this.#families.set(name, f);
    }
    return f;
  }

  /** Adds `by` to a counter. */
  inc(name: string, help: string, by = 1, labels: Labels = {}): void {
    const f = this.#family(name, help, "counter");
    const k = labelKey(labels);
    const cur = f.values.get(k);
    if (cur) cur.value += by;
    else f.values.set(k, { labels, value: by });
  }

  /** Sets a gauge. */
  set(name: string, help: string, value: number, labels: Labels = {}): void {
    this.#family(name, help, "gauge").values.set(labelKey(labels), { labels, value });
  }

  /** Removes every series of a gauge (before re-setting the current set). */
  reset(name: string): void {
    this.#families.get(name)?.values.clear();
  }

  /** Reads a value (tests). */
  get(name: string, labels: Labels = {}): number | undefined {
    return this.#families.get(name)?.values.get(labelKey(labels))?.value;
  }

  /** Renders the Prometheus text exposition format. */
  render(): string {
    const out: string[] = [];
    for (const [name, f] of this.#families) {
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const { labels, value } of f.values.values()) {
        const l = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",");
        out.push(`${name}${l ? `{${l}}` : ""} ${Number.isFinite(value) ? value : 0}`);
      }
    }
    return out.join("\n") + "\n";
  }
}
