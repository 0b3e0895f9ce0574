"use client";

import { useEffect, useState } from "react";

/** True on a device with a mouse-like pointer (keyboard hints make sense there), false on touch screens. */
export function useFinePointer(): boolean {
  const [fine, setFine] = useState(false);
  useEffect(() => {
    if (typeof window === "undefined" || !window.matchMedia) return;
    const query = window.matchMedia("(hover: hover) and (pointer: fine)");
    setFine(query.matches);
    const onChange = (e: MediaQueryListEvent) => setFine(e.matches);
    query.addEventListener?.("change", onChange);
    return () => query.removeEventListener?.("change", onChange);
  }, []);
  return fine;
}
