/** @jsxImportSource preact */
/**
 * Windowed rendering for long tables scrolled with the page: only the rows near the viewport are in
 * the DOM, spacer rows keep the scroll height right. Rows must have a fixed height.
 * @module
 */
import type { ComponentChildren, RefObject } from "preact";
import { useEffect, useState } from "preact/hooks";

/** Rows rendered above and below the viewport. */
const OVERSCAN = 30;

/** The `[start, end)` slice of `count` rows of `rowHeight` px that is near the viewport. */
export function useWindowSlice(
  ref: RefObject<HTMLElement>,
  count: number,
  rowHeight: number,
): [number, number] {
  const compute = (): [number, number] => {
    const top = ref.current ? ref.current.getBoundingClientRect().top : 0;
    const first = Math.floor(-top / rowHeight) - OVERSCAN;
    const visible = Math.ceil((globalThis.innerHeight || 800) / rowHeight) + 2 * OVERSCAN;
    const start = Math.max(0, Math.min(first, count - visible));
    return [start, Math.min(count, start + visible)];
  };
  const [slice, setSlice] = useState<[number, number]>(() => [0, Math.min(count, 80)]);
  useEffect(() => {
    let frame = 0;
    const update = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const next = compute();
        setSlice((old) => (old[0] === next[0] && old[1] === next[1] ? old : next));
      });
    };
    update();
    addEventListener("scroll", update, { passive: true });
    addEventListener("resize", update);
    return () => {
      cancelAnimationFrame(frame);
      removeEventListener("scroll", update);
      removeEventListener("resize", update);
    };
  }, [count, rowHeight]);
  return [Math.min(slice[0], count), Math.min(slice[1], count)];
}

/** A spacer row of `height` px spanning `columns`. */
export function Spacer({ height, columns }: { height: number; columns: number }): ComponentChildren {
  return height > 0
    ? (
      <tr aria-hidden="true" class="spacer" style={{ height: `${height}px` }}>
        <td colSpan={columns} />
      </tr>
    )
    : null;
}
