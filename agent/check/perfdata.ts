/**
 * Output of Nagios plugins: first line is the message, then optional `|` and performance data
 * `'label'=value[UOM];[warn];[crit];[min];[max]` separated by spaces; later lines are long text that may
 * carry more performance data after a `|`. Labels may be quoted with `'` (a quote inside doubled `''`)
 * and contain spaces; empty fields and trailing fields may be left out; a value of `U` (unknown) is
 * skipped. Malformed items are skipped and counted, never thrown.
 * @module
 */
import type { PerfData, Sample } from "@sonde/shared/wire/types";

/** The parsed output of a plugin. */
export interface PluginOutput {
  /** First line of output without the performance data. */
  message: string;
  /** Further lines of output without performance data. */
  longText: string;
  perfdata: PerfData[];
  /** Performance-data items that could not be parsed. */
  malformed: number;
}

const VALUE = /^([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?)([a-zA-Z%/µ]*)$/;

function num(text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  const v = Number(text.replace(",", "."));
  return Number.isFinite(v) ? v : undefined;
}

/** Splits perfdata text into `label=value;…` items, honouring quoted labels. */
function items(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (text[i] === " " || text[i] === "\t") i++;
    if (i >= text.length) break;
    const start = i;
    if (text[i] === "'") {
      i++;
      for (; i < text.length; i++) {
        if (text[i] === "'" && text[i + 1] === "'") i++;
        else if (text[i] === "'") break;
      }
      i++;
    }
    for (; i < text.length && text[i] !== " " && text[i] !== "\t"; i++);
    out.push(text.slice(start, i));
  }
  return out;
}

/** Parses one performance-data text (what follows `|`). */
export function parsePerfdata(text: string): { perfdata: PerfData[]; malformed: number } {
  const perfdata: PerfData[] = [];
  let malformed = 0;
  for (const item of items(text)) {
    const eq = item.lastIndexOf("=");
    let label = eq > 0 ? item.slice(0, eq) : "";
    if (label.startsWith("'")) {
      const quoted = /^'((?:[^']|'')*)'$/.exec(label);
      label = quoted ? quoted[1]!.replaceAll("''", "'") : "";
    }
    const [valueText, warn, crit, min, max] = item.slice(eq + 1).split(";");
    if (valueText === "U") continue;
    const m = VALUE.exec(valueText ?? "");
    if (label === "" || !m) {
      malformed++;
      continue;
    }
    const pd: PerfData = { label, value: Number(m[1]!.replace(",", ".")) };
    if (m[2]) pd.uom = m[2];
    if (warn) pd.warn = warn;
    if (crit) pd.crit = crit;
    const lo = num(min), hi = num(max);
    if (lo !== undefined) pd.min = lo;
    if (hi !== undefined) pd.max = hi;
    perfdata.push(pd);
  }
  return { perfdata, malformed };
}

/** Parses the whole output of a plugin. */
export function parsePluginOutput(output: string): PluginOutput {
  const lines = output.replace(/\r\n/g, "\n").replace(/\n+$/, "").split("\n");
  const [first = "", ...rest] = lines;
  const bar = first.indexOf("|");
  const message = (bar < 0 ? first : first.slice(0, bar)).trim();
  const perfTexts = bar < 0 ? [] : [first.slice(bar + 1)];
  const long: string[] = [];
  let inPerf = false;
  for (const line of rest) {
    if (inPerf) {
      perfTexts.push(line);
      continue;
    }
    const b = line.indexOf("|");
    if (b < 0) long.push(line);
    else {
      long.push(line.slice(0, b));
      perfTexts.push(line.slice(b + 1));
      inPerf = true;
    }
  }
  const parsed = perfTexts.map(parsePerfdata);
  return {
    message,
    longText: long.join("\n").trim(),
    perfdata: parsed.flatMap((p) => p.perfdata),
    malformed: parsed.reduce((n, p) => n + p.malformed, 0),
  };
}

const UOM: Record<string, [string, number]> = {
  "": ["", 1],
  s: ["s", 1],
  ms: ["ms", 1],
  us: ["ms", 0.001],
  "%": ["%", 1],
  B: ["B", 1],
  KB: ["B", 1024],
  MB: ["B", 1024 ** 2],
  GB: ["B", 1024 ** 3],
  TB: ["B", 1024 ** 4],
  c: ["", 1],
};

/** Turns performance data into counter samples `check.<id>.<label>` (byte and µs UOMs normalised). */
export function perfdataSamples(
  checkId: string,
  perfdata: PerfData[],
): Sample[] {
  return perfdata.map((p) => {
    const [unit, scale] = UOM[p.uom ?? ""] ?? [p.uom ?? "", 1];
    return { key: `check.${checkId}.${p.label}`, value: p.value * scale, unit };
  });
}
