/** @jsxImportSource preact */
/**
 * A uPlot time-series chart that follows its container's width, with optional warning / critical
 * threshold lines (Nagios ranges: every bound of the range is drawn).
 * @module
 */
import uPlot from "uplot";
import { useEffect, useRef } from "preact/hooks";

/** One line of a chart. */
export interface ChartSeries {
  label: string;
  color: string;
  /** Values aligned with `x`. */
  values: (number | null)[];
  fill?: boolean;
  /** Draw as bars. */
  bars?: boolean;
}

/** A threshold line. */
export interface Threshold {
  label: string;
  color: string;
  /** Nagios range such as `80`, `10:20`, `@5:10`, `~:90`. */
  range: string;
}

/** The bounds a Nagios range draws (`@10:20` → [10, 20], `80` → [80]). */
export function rangeBounds(range: string): number[] {
  const body = range.replace(/^@/, "");
  const [a, b] = body.includes(":") ? body.split(":") : ["", body];
  return [a, b].filter((x) => x !== undefined && x !== "" && x !== "~").map(Number).filter(Number.isFinite);
}

/** Props of {@linkcode Chart}. */
export interface ChartProps {
  /** Times in seconds since epoch. */
  x: number[];
  series: ChartSeries[];
  thresholds?: Threshold[];
  height?: number;
  unit?: string;
  label?: string;
  /** Fixed x range in seconds (the selected time range), else fitted to the data. */
  xRange?: [number, number];
}

/** A responsive uPlot chart. */
export function Chart({ x, series, thresholds = [], height = 220, unit = "", label, xRange }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const css = getComputedStyle(document.documentElement);
    const axis = css.getPropertyValue("--muted").trim() || "#8892a6";
    const grid = css.getPropertyValue("--grid").trim() || "rgba(128,128,128,.15)";
    const bounds = thresholds.flatMap((t) => rangeBounds(t.range).map((v) => ({ ...t, v })));
    const maxData = Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
    const maxY = Math.max(maxData, ...bounds.map((b) => b.v)) * 1.08 || 1;
    const opts: uPlot.Options = {
      width: el.clientWidth || 600,
      height,
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      scales: {
        y: { range: () => [0, maxY] },
        ...(xRange ? { x: { time: true, range: () => xRange } } : {}),
      },
      axes: [
        { stroke: axis, grid: { stroke: grid }, ticks: { stroke: grid } },
        {
          stroke: axis,
          grid: { stroke: grid },
          ticks: { stroke: grid },
          size: (_u, vals) => 18 + 7 * Math.max(4, ...(vals ?? []).map((v) => String(v).length)),
          values: (_u, vals) => vals.map((v) => `${+v.toFixed(2)}${unit ? ` ${unit}` : ""}`),
        },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.6,
          fill: s.fill ? `${s.color}22` : undefined,
          paths: s.bars ? uPlot.paths.bars!({ size: [0.7, 40] }) : undefined,
          points: { show: false },
        })),
      ],
      hooks: {
        draw: [(u) => {
          const ctx = u.ctx;
          for (const b of bounds) {
            const y = Math.round(u.valToPos(b.v, "y", true));
            ctx.save();
            ctx.strokeStyle = b.color;
            ctx.setLineDash([6, 4]);
            ctx.lineWidth = 1.5 * devicePixelRatio;
            ctx.beginPath();
            ctx.moveTo(u.bbox.left, y);
            ctx.lineTo(u.bbox.left + u.bbox.width, y);
            ctx.stroke();
            ctx.fillStyle = b.color;
            ctx.textAlign = "left";
            ctx.textBaseline = "bottom";
            ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
            ctx.fillText(`${b.label} ${b.v}`, u.bbox.left + 6 * devicePixelRatio, y - 4 * devicePixelRatio);
            ctx.restore();
          }
        }],
      },
    };
    const plot = new uPlot(opts, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    const ro = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [x, series, thresholds, height, unit, xRange?.[0], xRange?.[1]]);
  return (
    <div
      class="chart"
      ref={box}
      role="img"
      aria-label={label ?? series.map((s) => s.label).join(", ")}
    />
  );
}
