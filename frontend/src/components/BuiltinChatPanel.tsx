"use client";

/**
 * The built-in chat panel: the same ChatKit protocol and endpoint as ChatKit's UI, for when that UI cannot
 * load (offline, CDN blocked) or NEXT_PUBLIC_CHAT_UI=builtin. Glue only: state and protocol live in the hooks
 * (`useThreadList`, `useChatStream`, the reducer), what both UIs share in `lib/chat/shared`, and the pieces
 * under `components/chat/`. Conversation data lives in memory only (the server owns it); on opening, the
 * panel shows the conversation used last, as the server says.
 */

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { auth } from "@/lib/auth";
import { isReplyStatus, userMessageBefore } from "@/lib/chat/reducer";
import { chatkitEndpoint, threadTitle } from "@/lib/chat/shared";
import { useChatStream } from "@/lib/chat/useChatStream";
import { useThreadList } from "@/lib/chat/useThreadList";
import { ChatKitClient } from "@/lib/chatkitClient";
import type { ThreadItem, ThreadMetadata } from "@/lib/chatkitTypes";
import { config } from "@/lib/config";
import ChatHeader from "./chat/ChatHeader";
import Composer from "./chat/Composer";
import MessageRow from "./chat/MessageRow";
import StartScreen from "./chat/StartScreen";
import { ProgressLine, StatusBars } from "./chat/StatusBars";
import ThreadList from "./chat/ThreadList";
import VirtualList from "./VirtualList";

export interface BuiltinChatPanelProps {
  userId: string;
  onClose?: () => void;
  onTasksChanged?: () => void;
  /** Inject a client (tests). */
  client?: ChatKitClient;
}

const getItemKey = (item: ThreadItem) => item.id;

export default function BuiltinChatPanel({ userId, onClose, onTasksChanged, client: injected }: BuiltinChatPanelProps) {
  const client = useMemo(
    () => injected ?? new ChatKitClient({ url: chatkitEndpoint(userId), fetch: (url, init) => auth.authFetch(url, init), debug: config.debug }),
    [injected, userId],
  );
  const threads = useThreadList(client);
  const chat = useChatStream(client, { onTasksChanged, onActivity: threads.touch });
  const { view, busy } = chat;
  const [mode, setMode] = useState<"chat" | "history">("chat");
  const input = useRef<HTMLTextAreaElement>(null);
  const focusInput = () => setTimeout(() => input.current?.focus(), 0);

  // Reopen on the conversation used last (the server orders threads by last activity), once.
  const reopened = useRef(false);
  useEffect(() => {
    if (reopened.current || !threads.loaded) return;
    reopened.current = true;
    const last = threads.list[0];
    if (last && !view.thread && view.items.length === 0 && !busy) void chat.openThread(last).then(focusInput);
  }, [threads.loaded, threads.list, view.thread, view.items.length, busy, chat]);

  const open = useCallback(
    (meta: ThreadMetadata | null) => {
      reopened.current = true;
      setMode("chat");
      void chat.openThread(meta).then(focusInput);
    },
    [chat],
  );

  // Retry goes on the last answer (or its failure line), and re-runs the user message before it.
  const retryTargetId = useMemo(() => {
    for (let i = view.items.length - 1; i >= 0; i--) {
      const item = view.items[i];
      if (item.type === "assistant_message" || isReplyStatus(item)) return item.id;
      if (item.type === "user_message") return null;
    }
    return null;
  }, [view.items]);

  // A which-one question's options can be chosen only on the newest answer, before anything else is said.
  const choicesTargetId = useMemo(() => {
    for (let i = view.items.length - 1; i >= 0; i--) {
      const item = view.items[i];
      if (item.type === "assistant_message") return item.id;
      if (item.type === "user_message" || isReplyStatus(item)) return null;
    }
    return null;
  }, [view.items]);

  const { rerun, retry, discard, giveFeedback, send } = chat;
  const onChoose = useCallback((answer: string) => void send(answer), [send]);
  const onRetryItem = useCallback(
    (item: ThreadItem) => {
      const items = view.items;
      const user = userMessageBefore(items, items.findIndex((i) => i.id === item.id));
      if (user) rerun(user.id);
    },
    [view.items, rerun],
  );
  const unsent = view.outbox?.state === "unsent";

  const renderItem = useCallback(
    (item: ThreadItem) => (
      <MessageRow
        item={item}
        streaming={item.id === view.streamingItemId}
        canRetry={!busy && item.id === retryTargetId}
        unsent={unsent && item.type === "user_message" && item.id === view.items[view.items.length - 1]?.id}
        feedback={chat.feedback[item.id]}
        offerChoices={item.id === choicesTargetId}
        busy={busy && item.id === choicesTargetId}
        onChoose={onChoose}
        onRetry={onRetryItem}
        onSendAgain={() => void retry()}
        onDiscard={discard}
        onFeedback={giveFeedback}
      />
    ),
    [view.streamingItemId, view.items, busy, retryTargetId, choicesTargetId, onChoose, unsent, chat.feedback, onRetryItem, retry, discard, giveFeedback],
  );

  const title = mode === "history" ? "Conversations" : view.thread ? threadTitle(view.thread) : threadTitle(null);

  return (
    <div className="flex h-full min-h-0 flex-col bg-white" data-testid="builtin-chat">
      <ChatHeader
        title={title}
        mode={mode}
        onHistory={() => {
          setMode("history");
          void threads.load(false);
        }}
        onBack={() => setMode("chat")}
        onNew={() => open(null)}
        onClose={onClose}
      />
      {mode === "history" ? (
        <ThreadList
          threads={threads}
          currentId={view.thread?.id ?? null}
          onOpen={open}
          onMore={() => void threads.load(true)}
          onReload={() => void threads.load(false)}
          onRename={async (t, name) => {
            const meta = await threads.rename(t, name);
            if (meta) chat.threadChanged(t.id, meta);
          }}
          onDelete={async (t) => {
            if (await threads.remove(t)) chat.threadChanged(t.id, null);
          }}
        />
      ) : (
        <>
          {chat.loadingOlder && <p className="border-b border-slate-100 py-1 text-center text-xs text-slate-600" role="status">Loading earlier messages…</p>}
          {chat.loadingThread || (!threads.loaded && !view.thread && view.items.length === 0) ? (
            <p className="flex-1 p-6 text-center text-sm text-slate-600" role="status">Loading the conversation…</p>
          ) : view.items.length === 0 ? (
            <StartScreen recent={threads.list.slice(0, 5)} onPrompt={chat.send} onOpen={open} onAll={() => setMode("history")} disabled={busy} />
          ) : (
            <VirtualList
              className="min-h-0 flex-1 px-3 py-2"
              items={view.items}
              getKey={getItemKey}
              renderItem={renderItem}
              version={view.version}
              onNearTop={view.hasOlder ? chat.loadOlder : undefined}
              ariaLabel="Messages"
              footer={<ProgressLine busy={busy} progress={view.progress} streaming={!!view.streamingItemId} retrying={chat.retrying} />}
            />
          )}
          <StatusBars notice={view.notice} error={view.error} retrying={chat.retrying} onCancel={chat.stop} onRetry={() => void retry()} onDismiss={chat.clearError} />
          <Composer inputRef={input} busy={busy} onSend={chat.send} onStop={chat.stop} />
        </>
      )}
      <div className="sr-only" aria-live="polite">
        {chat.announce}
      </div>
    </div>
  );
}
