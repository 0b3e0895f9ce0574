"use client";

import { useState } from "react";
import { CHAT_HEADER } from "@/lib/chat/shared";

export interface ComposerProps {
  inputRef: React.RefObject<HTMLTextAreaElement | null>;
  busy: boolean;
  /** Returns false when the message was not taken (then it stays in the box). */
  onSend: (text: string) => boolean;
  onStop: () => void;
}

/** The message box: Enter sends, Shift+Enter breaks the line; Stop while a reply streams. */
export default function Composer({ inputRef, busy, onSend, onStop }: ComposerProps) {
  const [text, setText] = useState("");
  const submit = () => {
    if (!text.trim() || busy) return;
    if (onSend(text)) setText("");
  };
  return (
    <form
      className="flex items-end gap-2 border-t border-slate-200 p-2"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label htmlFor="chat-input" className="sr-only">Message the assistant</label>
      <textarea
        id="chat-input"
        ref={inputRef}
        rows={1}
        value={text}
        maxLength={8000}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
        placeholder={CHAT_HEADER.placeholder}
        className="max-h-40 min-h-[2.5rem] flex-1 resize-none rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200"
        autoFocus
      />
      {busy ? (
        <button type="button" onClick={onStop} className="rounded-md border border-slate-300 px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50" aria-label="Stop the answer">
          ■ Stop
        </button>
      ) : (
        <button type="submit" disabled={!text.trim()} className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50">
          Send
        </button>
      )}
    </form>
  );
}
