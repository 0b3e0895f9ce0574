"use client";

import type { ToastItem } from "@/lib/useToasts";

export interface ToastViewportProps {
  toasts: ToastItem[];
  onDismiss: (id: number) => void;
  className?: string;
}

/** Where toasts appear (bottom centre), each with its action (e.g. Undo) and a close button. */
export default function ToastViewport({ toasts, onDismiss, className = "flex" }: ToastViewportProps) {
  return (
    <div aria-live="polite" className={`pointer-events-none fixed inset-x-0 bottom-4 z-50 flex-col items-center gap-2 px-4 ${className}`} data-testid="toasts">
      {toasts.map((t) => (
        <div
          key={t.id}
          role={t.tone === "error" ? "alert" : "status"}
          className={`pointer-events-auto flex max-w-lg items-center gap-3 rounded-lg px-4 py-2 text-sm text-white shadow-lg ${t.tone === "error" ? "bg-red-800" : "bg-slate-900"}`}
          data-testid="toast"
        >
          <span className="min-w-0 flex-1">{t.message}</span>
          {t.action && (
            <button
              type="button"
              onClick={() => {
                onDismiss(t.id);
                void t.action?.run();
              }}
              className="shrink-0 rounded px-2 py-0.5 font-semibold text-indigo-200 underline-offset-2 hover:underline"
            >
              {t.action.label}
            </button>
          )}
          <button type="button" onClick={() => onDismiss(t.id)} className="shrink-0 px-1 text-slate-300 hover:text-white" aria-label="Dismiss">
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
