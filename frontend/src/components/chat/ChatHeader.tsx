"use client";

/** The panel's header: History / Back, the title, New conversation and Close. */

export interface ChatHeaderProps {
  title: string;
  mode: "chat" | "history";
  onHistory: () => void;
  onBack: () => void;
  onNew: () => void;
  onClose?: () => void;
}

const button = "rounded-md px-2 py-1 text-sm text-slate-700 hover:bg-slate-100";

export default function ChatHeader({ title, mode, onHistory, onBack, onNew, onClose }: ChatHeaderProps) {
  return (
    <div className="flex items-center gap-1 border-b border-slate-200 px-2 py-2">
      {mode === "history" ? (
        <button type="button" onClick={onBack} className={button} aria-label="Back to the conversation">
          ← Back
        </button>
      ) : (
        <button type="button" onClick={onHistory} className={button} aria-label="Conversation history" title="History">
          ☰ History
        </button>
      )}
      <h2 className="min-w-0 flex-1 truncate px-1 text-center text-sm font-semibold" data-testid="chat-title">
        {title}
      </h2>
      <button type="button" onClick={onNew} className={button} aria-label="New conversation" title="New conversation">
        ✎ New
      </button>
      {onClose && (
        <button type="button" onClick={onClose} className="rounded-md px-2 py-1 text-slate-600 hover:bg-slate-100" aria-label="Close the assistant" title="Close (Esc)">
          ✕
        </button>
      )}
    </div>
  );
}
