"use client";

/**
 * A windowed list for long chats: only the items in (or near) the viewport are in the DOM; the others are
 * spacers sized from measured (or estimated) heights. It keeps the bottom in view while the user is there
 * (streaming), keeps the item under the user's eyes still when older items are prepended or heights change,
 * and calls `onNearTop` to page in history.
 */

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";

interface Props<T> {
  items: T[];
  getKey: (item: T) => string;
  renderItem: (item: T, index: number) => ReactNode;
  estimateHeight?: number;
  overscanPx?: number;
  onNearTop?: () => void;
  /** Changes whenever the content changes (e.g. a streamed delta), so the bottom can be followed. */
  version?: number;
  className?: string;
  /** Rendered after the items, inside the scroller (e.g. the progress line). */
  footer?: ReactNode;
  ariaLabel?: string;
}

const STICK_PX = 48;

function lowerBound(offsets: number[], value: number): number {
  // first index i with offsets[i + 1] > value (the item containing `value`)
  let lo = 0;
  let hi = offsets.length - 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid + 1] > value) hi = mid;
    else lo = mid + 1;
  }
  return Math.max(0, lo);
}

export default function VirtualList<T>({
  items,
  getKey,
  renderItem,
  estimateHeight = 96,
  overscanPx = 600,
  onNearTop,
  version = 0,
  className = "",
  footer,
  ariaLabel,
}: Props<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const [measured, setMeasured] = useState(0);
  const [viewport, setViewport] = useState({ top: 0, height: 800 });
  const stick = useRef(true);
  const anchor = useRef<{ key: string; delta: number } | null>(null);

  const keys = useMemo(() => items.map(getKey), [items, getKey]);
  const offsets = useMemo(() => {
    const out = new Array<number>(keys.length + 1);
    out[0] = 0;
    for (let i = 0; i < keys.length; i++) out[i + 1] = out[i] + (heights.current.get(keys[i]) ?? estimateHeight);
    return out;
    // `measured` changes when heights do
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [keys, measured, estimateHeight]);
  const total = offsets[keys.length];

  const start = keys.length ? lowerBound(offsets, Math.max(0, viewport.top - overscanPx)) : 0;
  const end = keys.length ? lowerBound(offsets, viewport.top + viewport.height + overscanPx) : -1;

  const remember = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    if (keys.length) {
      const i = lowerBound(offsets, el.scrollTop);
      anchor.current = { key: keys[i], delta: offsets[i] - el.scrollTop };
    }
  }, [keys, offsets]);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    remember();
    setViewport((v) => (v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight }));
    if (onNearTop && el.scrollTop < 300) onNearTop();
  }, [remember, onNearTop]);

  // Measure rendered items (the observer exists before the first item mounts).
  const observer = useRef<ResizeObserver | null>(null);
  if (observer.current === null && typeof ResizeObserver !== "undefined") {
    observer.current = new ResizeObserver((entries) => {
      let changed = false;
      for (const entry of entries) {
        const key = (entry.target as HTMLElement).dataset.key;
        if (!key) continue;
        const h = Math.ceil((entry.target as HTMLElement).getBoundingClientRect().height);
        if (h > 0 && heights.current.get(key) !== h) {
          heights.current.set(key, h);
          changed = true;
        }
      }
      if (changed) setMeasured((m) => m + 1);
    });
  }
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const viewportObserver = new ResizeObserver(() => setViewport({ top: el.scrollTop, height: el.clientHeight }));
    viewportObserver.observe(el);
    return () => viewportObserver.disconnect();
  }, []);
  useEffect(() => () => observer.current?.disconnect(), []);

  // Forget heights of items that are gone.
  useEffect(() => {
    const live = new Set(keys);
    for (const key of heights.current.keys()) if (!live.has(key)) heights.current.delete(key);
  }, [keys]);

  // After each change: follow the bottom, or keep the anchor item where it was.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (stick.current) {
      el.scrollTop = el.scrollHeight;
    } else if (anchor.current) {
      const i = keys.indexOf(anchor.current.key);
      if (i !== -1) {
        const wanted = offsets[i] - anchor.current.delta;
        if (Math.abs(el.scrollTop - wanted) > 1) el.scrollTop = wanted;
      }
    }
    if (el.scrollTop !== viewport.top || el.clientHeight !== viewport.height) setViewport({ top: el.scrollTop, height: el.clientHeight });
    // Too little to scroll yet older items exist: page them in without waiting for a scroll.
    if (onNearTop && keys.length && el.scrollHeight <= el.clientHeight + 1) onNearTop();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [offsets, version]);

  return (
    <div ref={scroller} onScroll={onScroll} className={`overflow-y-auto overscroll-contain ${className}`} role="log" aria-label={ariaLabel} aria-live="off">
      <div style={{ height: offsets[start] }} aria-hidden />
      {keys.length > 0 &&
        items.slice(start, end + 1).map((item, j) => (
          <Measured key={keys[start + j]} itemKey={keys[start + j]} observer={observer}>
            {renderItem(item, start + j)}
          </Measured>
        ))}
      <div style={{ height: Math.max(0, total - offsets[Math.min(keys.length, end + 1)]) }} aria-hidden />
      {footer}
    </div>
  );
}

/** One rendered item, observed for its height while it is in the DOM. */
function Measured({ itemKey, observer, children }: { itemKey: string; observer: React.RefObject<ResizeObserver | null>; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const node = ref.current;
    const obs = observer.current;
    if (!node || !obs) return;
    obs.observe(node);
    return () => obs.unobserve(node);
  }, [observer]);
  return (
    <div ref={ref} data-key={itemKey}>
      {children}
    </div>
  );
}
