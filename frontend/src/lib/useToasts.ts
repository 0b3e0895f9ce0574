"use client";

/** A small queue of toasts (a message, maybe one action such as Undo), each closing by itself after a while. */

import { useCallback, useEffect, useRef, useState } from "react";

export interface ToastAction {
  label: string;
  run: () => void | Promise<unknown>;
}

export interface ToastItem {
  id: number;
  message: string;
  action?: ToastAction;
  /** "error" toasts are announced assertively. */
  tone: "info" | "error";
  durationMs: number;
}

export interface ToastInput {
  message: string;
  action?: ToastAction;
  tone?: "info" | "error";
  /** Default 6 s, 10 s with an action (time to reach Undo). */
  durationMs?: number;
}

const MAX_SHOWN = 3;

export function useToasts() {
  const [toasts, setToasts] = useState<ToastItem[]>([]);
  const next = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    const timer = timers.current.get(id);
    if (timer) clearTimeout(timer);
    timers.current.delete(id);
    setToasts((list) => list.filter((t) => t.id !== id));
  }, []);

  const show = useCallback(
    (input: ToastInput | string): number => {
      const value = typeof input === "string" ? { message: input } : input;
      const id = next.current++;
      const toast: ToastItem = { id, message: value.message, action: value.action, tone: value.tone ?? "info", durationMs: value.durationMs ?? (value.action ? 10_000 : 6_000) };
      setToasts((list) => [...list, toast].slice(-MAX_SHOWN));
      timers.current.set(id, setTimeout(() => dismiss(id), toast.durationMs));
      return id;
    },
    [dismiss],
  );

  useEffect(() => {
    const all = timers.current;
    return () => {
      for (const timer of all.values()) clearTimeout(timer);
      all.clear();
    };
  }, []);

  return { toasts, show, dismiss };
}

export type Toasts = ReturnType<typeof useToasts>;
