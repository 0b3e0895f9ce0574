"use client";

/**
 * The assistant sidebar's content. Uses ChatKit's UI (`<ChatKit/>`, configured in ChatProvider) when its
 * web component loads from the CDN; otherwise, or with NEXT_PUBLIC_CHAT_UI=builtin, the built-in panel,
 * which speaks the same ChatKit protocol to the same endpoint. Each UI is its own lazily loaded chunk.
 */

import dynamic from "next/dynamic";
import { useEffect, useState } from "react";
import { CHAT_HEADER } from "@/lib/chat/shared";
import { config } from "@/lib/config";
import { loadChatKit } from "@/lib/loadChatKit";

const loading = () => <p className="p-6 text-sm text-slate-600" role="status">Loading the assistant…</p>;
const BuiltinChatPanel = dynamic(() => import("./BuiltinChatPanel"), { ssr: false, loading });
const ChatKitView = dynamic(() => import("./ChatKitView"), { ssr: false, loading });

export interface ChatAssistantProps {
  userId: string;
  open: boolean;
  onClose: () => void;
  onTasksChanged: () => void;
}

type Ui = "probing" | "chatkit" | "builtin";

export default function ChatAssistant({ userId, onClose, onTasksChanged }: ChatAssistantProps) {
  const [ui, setUi] = useState<Ui>(config.chatUi === "builtin" ? "builtin" : "probing");

  useEffect(() => {
    if (ui !== "probing") return;
    let alive = true;
    loadChatKit(config.chatkitScriptUrl, config.chatkitLoadTimeoutMs).then((ok) => {
      if (alive) setUi(ok ? "chatkit" : "builtin");
    });
    return () => {
      alive = false;
    };
  }, [ui]);

  if (ui === "builtin") return <BuiltinChatPanel userId={userId} onClose={onClose} onTasksChanged={onTasksChanged} />;

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex items-center justify-between border-b border-slate-200 px-3 py-2">
        <h2 className="text-sm font-semibold">{CHAT_HEADER.title}</h2>
        <button type="button" onClick={onClose} className="rounded-md px-2 py-1 text-slate-500 hover:bg-slate-100" aria-label="Close the assistant" title="Close (Esc)">
          ✕
        </button>
      </div>
      <div className="min-h-0 flex-1">
        {ui === "probing" ? (
          loading()
        ) : (
          <ChatKitView userId={userId} onTasksChanged={onTasksChanged} onFailure={() => setUi("builtin")} />
        )}
      </div>
    </div>
  );
}
