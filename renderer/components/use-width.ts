// The width of an element, kept current as the window or a pane resizes.

import { useEffect, useRef, useState, type RefObject } from 'react';

export function useWidth<T extends HTMLElement>(initial = 480): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}
