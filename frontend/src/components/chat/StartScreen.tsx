"use client";

import { CHAT_HEADER, STARTER_PROMPTS, formatWhen, lastActivity, threadTitle } from "@/lib/chat/shared";
import type { ThreadMetadata } from "@/lib/chatkitTypes";

export interface StartScreenProps {
  recent: ThreadMetadata[];
  onPrompt: (text: string) => void;
  onOpen: (thread: ThreadMetadata) => void;
  onAll: () => void;
  disabled: boolean;
}

/** A new conversation: greeting, help in words, starter prompts, and the recently used conversations. */
export default function StartScreen({ recent, onPrompt, onOpen, onAll, disabled }: StartScreenProps) {
  return (
    <div className="min-h-0 flex-1 overflow-y-auto p-4">
      <p className="mt-4 text-center text-lg font-semibold text-slate-800">{CHAT_HEADER.greeting}</p>
      <p className="mt-1 text-center text-sm text-slate-600" data-testid="chat-help">{CHAT_HEADER.help}</p>
      <div className="mt-4 flex flex-wrap justify-center gap-2">
        {STARTER_PROMPTS.map((p) => (
          <button key={p.prompt} type="button" disabled={disabled} onClick={() => onPrompt(p.prompt)} className="rounded-full border border-slate-300 px-3 py-1 text-sm text-slate-700 hover:bg-slate-50 disabled:opacity-50">
            {p.prompt}
          </button>
        ))}
      </div>
      {recent.length > 0 && (
        <div className="mt-8">
          <div className="mb-1 flex items-center justify-between">
            <h3 className="text-xs font-semibold tracking-wide text-slate-600 uppercase">Recent conversations</h3>
            <button type="button" onClick={onAll} className="text-xs text-indigo-700 hover:underline">
              See all
            </button>
          </div>
          <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
            {recent.map((t) => (
              <li key={t.id}>
                <button type="button" onClick={() => onOpen(t)} className="flex w-full items-center gap-2 px-3 py-2 text-left text-sm hover:bg-slate-50" data-testid="recent-thread">
                  <span className="min-w-0 flex-1 truncate">{threadTitle(t)}</span>
                  <span className="shrink-0 text-xs text-slate-600">{formatWhen(lastActivity(t))}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
