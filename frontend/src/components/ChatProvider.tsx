"use client";

/**
 * ChatKit's configuration (`useChatKit`): our ChatKit endpoint, a fetch that adds the user's JWT,
 * the domain key from configuration, history, retry and feedback enabled, and what it shares with the
 * built-in panel (`lib/chat/shared`: endpoint, greeting, prompts, the thread to reopen, the task-refresh
 * rule). The control it returns is shared through context with `<ChatKit/>` (ChatAssistant).
 */

import { useChatKit, type UseChatKitReturn } from "@openai/chatkit-react";
import { createContext, useCallback, useContext, useRef } from "react";
import { auth } from "@/lib/auth";
import { CHAT_HEADER, STARTER_PROMPTS, chatkitEndpoint } from "@/lib/chat/shared";
import { config } from "@/lib/config";

const ChatKitContext = createContext<UseChatKitReturn | null>(null);

export function useChatKitControl(): UseChatKitReturn {
  const value = useContext(ChatKitContext);
  if (!value) throw new Error("useChatKitControl must be used inside <ChatProvider>");
  return value;
}

export interface ChatProviderProps {
  userId: string;
  onTasksChanged?: () => void;
  /** An error before ChatKit said it was ready (e.g. the domain key refused): the caller falls back. */
  onFailure?: (error: Error) => void;
  /** The thread to open first (the one used last), or null for a new one. */
  initialThread?: string | null;
  children: React.ReactNode;
}

export default function ChatProvider({ userId, onTasksChanged, onFailure, initialThread = null, children }: ChatProviderProps) {
  const tasksChanged = useRef(onTasksChanged);
  tasksChanged.current = onTasksChanged;
  const failure = useRef(onFailure);
  failure.current = onFailure;
  const ready = useRef(false);

  // ChatKit calls this for every request to our endpoint: add the access token (refreshed as needed).
  const authedFetch = useCallback<typeof fetch>((input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return auth.authFetch(url, init ?? {});
  }, []);

  const chatkit = useChatKit({
    api: {
      url: chatkitEndpoint(userId),
      domainKey: config.chatkitDomainKey,
      fetch: authedFetch,
    },
    theme: "light",
    initialThread,
    history: { enabled: true, showDelete: true, showRename: true },
    threadItemActions: { feedback: true, retry: true },
    startScreen: { greeting: CHAT_HEADER.greeting, prompts: STARTER_PROMPTS },
    composer: { placeholder: CHAT_HEADER.placeholder },
    // The shared task-refresh rule: when a reply ends, and on client effects.
    onResponseEnd: () => tasksChanged.current?.(),
    onEffect: () => tasksChanged.current?.(),
    onReady: () => {
      ready.current = true;
    },
    onError: ({ error }) => {
      if (config.debug) console.error("[chatkit]", error);
      if (!ready.current) failure.current?.(error);
    },
  });

  return <ChatKitContext.Provider value={chatkit}>{children}</ChatKitContext.Provider>;
}
