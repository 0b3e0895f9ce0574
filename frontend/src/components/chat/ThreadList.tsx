"use client";

import { useState } from "react";
import { formatWhen, lastActivity, threadTitle } from "@/lib/chat/shared";
import type { ThreadListState } from "@/lib/chat/useThreadList";
import type { ThreadMetadata } from "@/lib/chatkitTypes";

export interface ThreadListProps {
  threads: ThreadListState;
  currentId: string | null;
  onOpen: (t: ThreadMetadata) => void;
  onMore: () => void;
  onReload: () => void;
  onRename: (t: ThreadMetadata, title: string) => Promise<unknown>;
  onDelete: (t: ThreadMetadata) => Promise<unknown>;
}

/** History: conversations by last activity (shown), with rename and a two-step delete. */
export default function ThreadList({ threads, currentId, onOpen, onMore, onReload, onRename, onDelete }: ThreadListProps) {
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [confirm, setConfirm] = useState<string | null>(null);
  return (
    <div className="min-h-0 flex-1 overflow-y-auto" data-testid="thread-list">
      {threads.error && (
        <div role="alert" className="m-3 flex items-center gap-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          <span className="flex-1">{threads.error}</span>
          <button type="button" onClick={onReload} className="rounded bg-red-700 px-2 py-0.5 text-xs text-white">
            Retry
          </button>
        </div>
      )}
      {threads.loaded && !threads.list.length && !threads.error && <p className="p-6 text-center text-sm text-slate-600">No conversations yet.</p>}
      <ul className="divide-y divide-slate-100">
        {threads.list.map((t) => (
          <li key={t.id} className={`flex items-center gap-1 px-2 py-1 ${t.id === currentId ? "bg-indigo-50" : ""}`}>
            {editing === t.id ? (
              <form
                className="flex flex-1 gap-1"
                onSubmit={async (e) => {
                  e.preventDefault();
                  if (draft.trim()) await onRename(t, draft.trim());
                  setEditing(null);
                }}
              >
                <input
                  autoFocus
                  value={draft}
                  maxLength={200}
                  onChange={(e) => setDraft(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === "Escape") {
                      e.stopPropagation();
                      setEditing(null);
                    }
                  }}
                  aria-label="Conversation title"
                  className="min-w-0 flex-1 rounded border border-slate-300 px-2 py-1 text-sm"
                />
                <button type="submit" className="rounded bg-indigo-600 px-2 text-xs text-white">
                  Save
                </button>
              </form>
            ) : (
              <>
                <button type="button" onClick={() => onOpen(t)} className="flex min-w-0 flex-1 items-center gap-2 rounded px-2 py-2 text-left text-sm hover:bg-slate-50" data-testid="thread-item">
                  <span className="min-w-0 flex-1 truncate">{threadTitle(t)}</span>
                  <span className="shrink-0 text-xs text-slate-600" title="Last activity" data-testid="thread-when">
                    {formatWhen(lastActivity(t))}
                  </span>
                </button>
                <button
                  type="button"
                  onClick={() => {
                    setEditing(t.id);
                    setDraft(t.title || "");
                  }}
                  className="rounded px-1.5 py-1 text-xs text-slate-600 hover:bg-slate-100 hover:text-slate-800"
                  aria-label={`Rename “${threadTitle(t)}”`}
                >
                  ✎
                </button>
                <button
                  type="button"
                  onClick={() => (confirm === t.id ? void onDelete(t) : setConfirm(t.id))}
                  onBlur={() => setConfirm(null)}
                  className={`rounded px-1.5 py-1 text-xs ${confirm === t.id ? "bg-red-700 text-white" : "text-slate-600 hover:bg-red-50 hover:text-red-700"}`}
                  aria-label={confirm === t.id ? "Confirm delete" : `Delete “${threadTitle(t)}”`}
                >
                  {confirm === t.id ? "Delete?" : "✕"}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {threads.hasMore && (
        <div className="p-3 text-center">
          <button type="button" onClick={onMore} disabled={threads.loading} className="rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-50 disabled:opacity-50">
            {threads.loading ? "Loading…" : "Load more"}
          </button>
        </div>
      )}
    </div>
  );
}
