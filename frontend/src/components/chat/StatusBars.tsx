"use client";

import type { ThreadView } from "@/lib/chat/reducer";
import { config } from "@/lib/config";
import type { RetryInfo } from "@/lib/retry";

/** "Thinking…" / tool progress under the messages while a reply is on its way. */
export function ProgressLine({ busy, progress, streaming, retrying }: { busy: boolean; progress: ThreadView["progress"]; streaming: boolean; retrying: RetryInfo | null }) {
  if (!busy || retrying) return <div className="h-2" />;
  return (
    <div className="flex items-center gap-2 px-1 py-2 text-sm text-slate-600" role="status" data-testid="chat-progress">
      <span className="inline-block h-2 w-2 animate-pulse rounded-full bg-indigo-500" aria-hidden />
      {progress?.text || (streaming ? "Writing…" : "Thinking…")}
    </div>
  );
}

export interface StatusBarsProps {
  notice: ThreadView["notice"];
  error: ThreadView["error"];
  retrying: RetryInfo | null;
  onCancel: () => void;
  onRetry: () => void;
  onDismiss: () => void;
}

/** A notice from the server, automatic retries in progress, and the error with its Retry button. */
export function StatusBars({ notice, error, retrying, onCancel, onRetry, onDismiss }: StatusBarsProps) {
  return (
    <>
      {notice && (
        <div role="status" className={`mx-3 mb-2 rounded-md px-3 py-2 text-sm ${notice.level === "danger" ? "bg-red-50 text-red-800" : notice.level === "warning" ? "bg-amber-50 text-amber-900" : "bg-sky-50 text-sky-900"}`}>
          {notice.title && <strong className="mr-1">{notice.title}</strong>}
          {notice.message}
        </div>
      )}
      {retrying && !error && (
        <div role="status" className="mx-3 mb-2 flex items-center gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="chat-retrying">
          <span className="flex-1">
            Connection problem; trying again ({retrying.attempt}/{config.retry.retries})…
          </span>
          <button type="button" onClick={onCancel} className="rounded border border-amber-300 px-2 py-0.5 text-xs hover:bg-amber-100">
            Cancel
          </button>
        </div>
      )}
      {error && (
        <div role="alert" className="mx-3 mb-2 flex items-start gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="chat-error">
          <span className="flex-1">{error.message}</span>
          {error.retryable && (
            <button type="button" onClick={onRetry} className="shrink-0 rounded bg-red-700 px-2 py-0.5 text-xs font-medium text-white hover:bg-red-800">
              Retry
            </button>
          )}
          <button type="button" onClick={onDismiss} className="shrink-0 px-1 text-red-700" aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}
    </>
  );
}
