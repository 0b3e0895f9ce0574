"use client";

/**
 * ChatKit's configuration (`useChatKit`): our ChatKit endpoint, a fetch that adds the user's JWT,
 * the domain key from configuration, history, retry and feedback enabled. The control it returns is
 * shared through context with `<ChatKit/>` (ChatAssistant).
 */

import { useChatKit, type UseChatKitReturn } from "@openai/chatkit-react";
import { createContext, useCallback, useContext, useRef } from "react";
import { auth } from "@/lib/auth";
import { apiUrl, config } from "@/lib/config";

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
  children: React.ReactNode;
}

export default function ChatProvider({ userId, onTasksChanged, onFailure, children }: ChatProviderProps) {
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
      url: apiUrl(`/api/${encodeURIComponent(userId)}/chatkit`),
      domainKey: config.chatkitDomainKey,
      fetch: authedFetch,
    },
    theme: "light",
    history: { enabled: true, showDelete: true, showRename: true },
    threadItemActions: { feedback: true, retry: true },
    startScreen: {
      greeting: "What can I help with?",
      prompts: [
        { label: "What's due this week?", prompt: "What's due this week?", icon: "calendar" },
        { label: "Add a task", prompt: "Add buy milk tomorrow", icon: "plus" },
        { label: "High priority", prompt: "Show my high priority tasks", icon: "star" },
      ],
    },
    composer: { placeholder: "Ask or tell me anything about your tasks…" },
    onResponseEnd: () => tasksChanged.current?.(),
    onEffect: () => tasksChanged.current?.(),
    onThreadLoadEnd: () => tasksChanged.current?.(),
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
