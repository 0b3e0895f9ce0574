"use client";

/**
 * The built-in chat panel: the same ChatKit protocol and endpoint as ChatKit's UI, for when that UI cannot
 * load (offline, CDN blocked) or NEXT_PUBLIC_CHAT_UI=builtin. Thread list, paged history, streamed
 * replies, tool progress, stop, retry, feedback, safe Markdown, and errors with a retry button.
 * Conversation data lives in memory only (the server owns it).
 */

import { memo, useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { auth } from "@/lib/auth";
import { ChatKitClient, StreamInterruptedError } from "@/lib/chatkitClient";
import { itemText, textInput, type StreamingRequest, type ThreadItem, type ThreadMetadata, type ThreadStreamEvent, type WorkflowItem } from "@/lib/chatkitTypes";
import { applyEvent, emptyThread, isVisible, PENDING_USER_ID, touchesTasks, userMessageBefore, type ThreadView } from "@/lib/chatState";
import { apiUrl, config } from "@/lib/config";
import { ApiError, isAbortError } from "@/lib/http";
import type { RetryInfo } from "@/lib/retry";
import { ThumbDownIcon, ThumbUpIcon } from "./Icons";
import Markdown from "./Markdown";
import VirtualList from "./VirtualList";

export interface BuiltinChatPanelProps {
  userId: string;
  onClose?: () => void;
  onTasksChanged?: () => void;
  /** Inject a client (tests). */
  client?: ChatKitClient;
}

type Action =
  | { type: "reset"; thread?: ThreadMetadata | null }
  | { type: "loaded"; items: ThreadItem[]; hasOlder: boolean; cursor: string | null }
  | { type: "older"; items: ThreadItem[]; hasOlder: boolean; cursor: string | null }
  | { type: "pendingUser"; text: string }
  | { type: "event"; event: ThreadStreamEvent }
  | { type: "stopped" }
  | { type: "error"; message: string; retryable: boolean }
  | { type: "clearError" }
  | { type: "truncateAfter"; itemId: string };

function reducer(view: ThreadView, action: Action): ThreadView {
  switch (action.type) {
    case "reset":
      return { ...emptyThread, thread: action.thread ?? null, version: view.version + 1 };
    case "loaded":
      return { ...view, items: action.items.filter(isVisible), hasOlder: action.hasOlder, olderCursor: action.cursor, version: view.version + 1 };
    case "older": {
      const seen = new Set(view.items.map((i) => i.id));
      const older = action.items.filter((i) => isVisible(i) && !seen.has(i.id));
      return { ...view, items: [...older, ...view.items], hasOlder: action.hasOlder, olderCursor: action.cursor };
    }
    case "pendingUser": {
      const item: ThreadItem = {
        id: PENDING_USER_ID,
        thread_id: view.thread?.id ?? "",
        created_at: new Date().toISOString(),
        type: "user_message",
        content: [{ type: "input_text", text: action.text }],
      };
      return { ...view, items: [...view.items.filter((i) => i.id !== PENDING_USER_ID), item], error: null, notice: null, version: view.version + 1 };
    }
    case "event":
      return applyEvent(view, action.event);
    case "stopped":
      return { ...view, streamingItemId: null, progress: null };
    case "error":
      return { ...view, streamingItemId: null, progress: null, error: { message: action.message, retryable: action.retryable } };
    case "clearError":
      return view.error || view.notice ? { ...view, error: null, notice: null } : view;
    case "truncateAfter": {
      const index = view.items.findIndex((i) => i.id === action.itemId);
      return index === -1 ? view : { ...view, items: view.items.slice(0, index + 1), version: view.version + 1 };
    }
  }
}

const PROMPTS = ["What's due this week?", "Add buy milk tomorrow", "Show my high priority tasks", "What did I finish today?"];

interface ThreadsState {
  list: ThreadMetadata[];
  hasMore: boolean;
  after: string | null;
  loading: boolean;
  error: string | null;
  loaded: boolean;
}

function describeError(err: unknown): { message: string; retryable: boolean } {
  if (err instanceof StreamInterruptedError) return { message: `${err.message} Your message was saved.`, retryable: true };
  if (err instanceof ApiError) {
    if (err.status === 0) return { message: "Cannot reach the assistant. Check your connection.", retryable: true };
    return { message: err.message, retryable: err.transient || err.status === 409 };
  }
  return { message: "Something went wrong with the assistant.", retryable: true };
}

function formatWhen(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const now = new Date();
  if (date.toDateString() === now.toDateString()) return date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return date.toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

export default function BuiltinChatPanel({ userId, onClose, onTasksChanged, client: injected }: BuiltinChatPanelProps) {
  const client = useMemo(
    () =>
      injected ??
      new ChatKitClient({
        url: apiUrl(`/api/${encodeURIComponent(userId)}/chatkit`),
        fetch: (url, init) => auth.authFetch(url, init),
        debug: config.debug,
      }),
    [injected, userId],
  );
  const [view, dispatch] = useReducer(reducer, emptyThread);
  const viewRef = useRef(view);
  viewRef.current = view;
  const [mode, setMode] = useState<"chat" | "history">("chat");
  const [busy, setBusy] = useState(false);
  const [retrying, setRetrying] = useState<RetryInfo | null>(null);
  const [loadingThread, setLoadingThread] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [feedback, setFeedback] = useState<Record<string, "positive" | "negative">>({});
  const [announce, setAnnounce] = useState("");
  const [threads, setThreads] = useState<ThreadsState>({ list: [], hasMore: false, after: null, loading: false, error: null, loaded: false });
  const abortRef = useRef<AbortController | null>(null);
  const lastSent = useRef<string | null>(null);
  const threadToken = useRef(0);
  const input = useRef<HTMLTextAreaElement>(null);
  const tasksChanged = useRef(onTasksChanged);
  tasksChanged.current = onTasksChanged;

  useEffect(() => () => abortRef.current?.abort(), []);

  // ---- threads (history) ----
  const loadThreads = useCallback(
    async (more = false) => {
      setThreads((t) => ({ ...t, loading: true, error: null }));
      try {
        const page = await client.listThreads({ limit: 20, after: more ? threads.after : null });
        setThreads((t) => ({
          list: more ? [...t.list, ...page.data.filter((p) => !t.list.some((q) => q.id === p.id))] : page.data,
          hasMore: page.has_more,
          after: page.after ?? null,
          loading: false,
          error: null,
          loaded: true,
        }));
      } catch (err) {
        if (isAbortError(err)) return;
        setThreads((t) => ({ ...t, loading: false, loaded: true, error: describeError(err).message }));
      }
    },
    [client, threads.after],
  );

  useEffect(() => {
    void loadThreads(false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client]);

  const rememberThread = useCallback((meta: ThreadMetadata) => {
    setThreads((t) => ({ ...t, list: [meta, ...t.list.filter((x) => x.id !== meta.id)] }));
  }, []);

  // ---- streaming ----
  const runStream = useCallback(
    async (req: StreamingRequest) => {
      abortRef.current?.abort();
      const controller = new AbortController();
      abortRef.current = controller;
      setBusy(true);
      setRetrying(null);
      dispatch({ type: "clearError" });
      let changed = false;
      try {
        await client.stream(
          req,
          {
            onEvent: (event) => {
              setRetrying(null);
              dispatch({ type: "event", event });
              if (event.type === "thread.created" || event.type === "thread.updated") {
                const { items: _items, ...meta } = event.thread;
                rememberThread(meta);
              }
              if (event.type === "thread.item.done" && event.item.type === "assistant_message") setAnnounce(itemText(event.item).slice(0, 500));
              if (touchesTasks(event)) {
                changed = true;
                tasksChanged.current?.();
              }
            },
            onRetry: (info) => setRetrying(info),
          },
          controller.signal,
        );
      } catch (err) {
        if (isAbortError(err) || controller.signal.aborted) {
          dispatch({ type: "stopped" });
        } else {
          const { message, retryable } = describeError(err);
          dispatch({ type: "error", message, retryable });
        }
      } finally {
        if (abortRef.current === controller) abortRef.current = null;
        setBusy(false);
        setRetrying(null);
        // The stream is over (done, stopped or broken): the assistant may have changed tasks.
        if (!changed) tasksChanged.current?.();
      }
    },
    [client, rememberThread],
  );

  const send = useCallback(
    (text: string) => {
      const message = text.trim();
      if (!message || busy) return;
      lastSent.current = message;
      dispatch({ type: "pendingUser", text: message });
      const threadId = viewRef.current.thread?.id;
      void runStream(
        threadId
          ? { type: "threads.add_user_message", params: { thread_id: threadId, input: textInput(message) } }
          : { type: "threads.create", params: { input: textInput(message) } },
      );
    },
    [busy, runStream],
  );

  const stop = useCallback(() => abortRef.current?.abort(), []);

  /** Retry the last turn: re-run from the last stored user message (never storing it twice). */
  const retry = useCallback(
    async (fromItemId?: string) => {
      if (busy) return;
      dispatch({ type: "clearError" });
      const current = viewRef.current;
      const threadId = current.thread?.id;
      if (!threadId) {
        if (lastSent.current) {
          dispatch({ type: "pendingUser", text: lastSent.current });
          void runStream({ type: "threads.create", params: { input: textInput(lastSent.current) } });
        }
        return;
      }
      let userItem = fromItemId ? current.items.find((i) => i.id === fromItemId) ?? null : userMessageBefore(current.items, current.items.length - 1);
      if (!userItem) {
        // The stream broke before our message came back: ask the server for the thread's latest items.
        try {
          const page = await client.listItems({ thread_id: threadId, order: "desc", limit: 10 });
          userItem = page.data.find((i) => i.type === "user_message") ?? null;
        } catch (err) {
          dispatch({ type: "error", ...describeError(err) });
          return;
        }
      }
      if (!userItem) {
        if (lastSent.current) send(lastSent.current);
        return;
      }
      dispatch({ type: "truncateAfter", itemId: userItem.id });
      void runStream({ type: "threads.retry_after_item", params: { thread_id: threadId, item_id: userItem.id } });
    },
    [busy, client, runStream, send],
  );

  // ---- opening threads and paging history ----
  const openThread = useCallback(
    async (meta: ThreadMetadata | null) => {
      abortRef.current?.abort();
      const token = ++threadToken.current;
      dispatch({ type: "reset", thread: meta });
      setMode("chat");
      setFeedback({});
      if (!meta) {
        setTimeout(() => input.current?.focus(), 0);
        return;
      }
      setLoadingThread(true);
      try {
        const page = await client.listItems({ thread_id: meta.id, order: "desc", limit: 30 });
        if (token !== threadToken.current) return;
        dispatch({ type: "loaded", items: page.data.slice().reverse(), hasOlder: page.has_more, cursor: page.after ?? null });
      } catch (err) {
        if (token !== threadToken.current) return;
        dispatch({ type: "error", message: `Could not load this conversation. ${describeError(err).message}`, retryable: false });
      } finally {
        if (token === threadToken.current) setLoadingThread(false);
        setTimeout(() => input.current?.focus(), 0);
      }
    },
    [client],
  );

  const olderBusy = useRef(false);
  const loadOlder = useCallback(async () => {
    const current = viewRef.current;
    if (olderBusy.current || !current.hasOlder || !current.thread || !current.olderCursor) return;
    olderBusy.current = true;
    setLoadingOlder(true);
    const token = threadToken.current;
    try {
      const page = await client.listItems({ thread_id: current.thread.id, order: "desc", limit: 40, after: current.olderCursor });
      if (token === threadToken.current) dispatch({ type: "older", items: page.data.slice().reverse(), hasOlder: page.has_more, cursor: page.after ?? null });
    } catch {
      // scrolling up again retries
    } finally {
      olderBusy.current = false;
      setLoadingOlder(false);
    }
  }, [client]);

  const giveFeedback = useCallback(
    async (itemId: string, kind: "positive" | "negative") => {
      const threadId = viewRef.current.thread?.id;
      if (!threadId) return;
      setFeedback((f) => ({ ...f, [itemId]: kind }));
      try {
        await client.feedback(threadId, [itemId], kind);
      } catch {
        setFeedback((f) => {
          const { [itemId]: _gone, ...rest } = f;
          return rest;
        });
      }
    },
    [client],
  );

  const lastAssistantId = useMemo(() => {
    for (let i = view.items.length - 1; i >= 0; i--) if (view.items[i].type === "assistant_message") return view.items[i].id;
    return null;
  }, [view.items]);

  const renderItem = useCallback(
    (item: ThreadItem) => (
      <MessageRow
        item={item}
        streaming={item.id === view.streamingItemId}
        canRetry={!busy && item.id === lastAssistantId}
        feedback={feedback[item.id]}
        onRetry={() => {
          const index = viewRef.current.items.findIndex((i) => i.id === item.id);
          const user = userMessageBefore(viewRef.current.items, index);
          if (user) void retry(user.id);
        }}
        onFeedback={giveFeedback}
      />
    ),
    [view.streamingItemId, busy, lastAssistantId, feedback, retry, giveFeedback],
  );

  const title = mode === "history" ? "Conversations" : view.thread?.title || (view.thread ? "Conversation" : "New conversation");

  return (
    <div className="flex h-full min-h-0 flex-col bg-white" data-testid="builtin-chat">
      <div className="flex items-center gap-1 border-b border-slate-200 px-2 py-2">
        {mode === "history" ? (
          <button type="button" onClick={() => setMode("chat")} className="rounded-md px-2 py-1 text-sm text-slate-700 hover:bg-slate-100" aria-label="Back to the conversation">
            ← Back
          </button>
        ) : (
          <button
            type="button"
            onClick={() => {
              setMode("history");
              void loadThreads(false);
            }}
            className="rounded-md px-2 py-1 text-sm text-slate-700 hover:bg-slate-100"
            aria-label="Conversation history"
            title="History"
          >
            ☰ History
          </button>
        )}
        <h2 className="min-w-0 flex-1 truncate px-1 text-center text-sm font-semibold" data-testid="chat-title">
          {title}
        </h2>
        <button
          type="button"
          onClick={() => void openThread(null)}
          className="rounded-md px-2 py-1 text-sm text-slate-700 hover:bg-slate-100"
          aria-label="New conversation"
          title="New conversation"
        >
          ✎ New
        </button>
        {onClose && (
          <button type="button" onClick={onClose} className="rounded-md px-2 py-1 text-slate-500 hover:bg-slate-100" aria-label="Close the assistant" title="Close (Esc)">
            ✕
          </button>
        )}
      </div>

      {mode === "history" ? (
        <ThreadList
          threads={threads}
          currentId={view.thread?.id ?? null}
          onOpen={(t) => void openThread(t)}
          onMore={() => void loadThreads(true)}
          onReload={() => void loadThreads(false)}
          onRename={async (t, name) => {
            try {
              const updated = await client.updateThread(t.id, name);
              setThreads((s) => ({ ...s, list: s.list.map((x) => (x.id === t.id ? { ...x, title: updated.title ?? name } : x)) }));
              if (viewRef.current.thread?.id === t.id) dispatch({ type: "event", event: { type: "thread.updated", thread: { ...updated, items: { data: [], has_more: false } } } });
            } catch (err) {
              setThreads((s) => ({ ...s, error: describeError(err).message }));
            }
          }}
          onDelete={async (t) => {
            try {
              await client.deleteThread(t.id);
              setThreads((s) => ({ ...s, list: s.list.filter((x) => x.id !== t.id) }));
              if (viewRef.current.thread?.id === t.id) dispatch({ type: "reset" });
            } catch (err) {
              setThreads((s) => ({ ...s, error: describeError(err).message }));
            }
          }}
        />
      ) : (
        <>
          {loadingOlder && <p className="border-b border-slate-100 py-1 text-center text-xs text-slate-500" role="status">Loading earlier messages…</p>}
          {view.items.length === 0 && !loadingThread ? (
            <StartScreen
              recent={threads.list.slice(0, 5)}
              onPrompt={send}
              onOpen={(t) => void openThread(t)}
              onAll={() => setMode("history")}
              disabled={busy}
            />
          ) : loadingThread ? (
            <p className="flex-1 p-6 text-center text-sm text-slate-500" role="status">Loading the conversation…</p>
          ) : (
            <VirtualList
              className="min-h-0 flex-1 px-3 py-2"
              items={view.items}
              getKey={getItemKey}
              renderItem={renderItem}
              version={view.version}
              onNearTop={view.hasOlder ? loadOlder : undefined}
              ariaLabel="Messages"
              footer={<ProgressLine busy={busy} progress={view.progress} streaming={!!view.streamingItemId} retrying={retrying} />}
            />
          )}
          {view.notice && (
            <div role="status" className={`mx-3 mb-2 rounded-md px-3 py-2 text-sm ${view.notice.level === "danger" ? "bg-red-50 text-red-800" : view.notice.level === "warning" ? "bg-amber-50 text-amber-900" : "bg-sky-50 text-sky-900"}`}>
              {view.notice.title && <strong className="mr-1">{view.notice.title}</strong>}
              {view.notice.message}
            </div>
          )}
          {retrying && !view.error && (
            <div role="status" className="mx-3 mb-2 flex items-center gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="chat-retrying">
              <span className="flex-1">Connection problem; trying again ({retrying.attempt}/{config.retry.retries})…</span>
              <button type="button" onClick={stop} className="rounded border border-amber-300 px-2 py-0.5 text-xs hover:bg-amber-100">
                Cancel
              </button>
            </div>
          )}
          {view.error && (
            <div role="alert" className="mx-3 mb-2 flex items-start gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="chat-error">
              <span className="flex-1">{view.error.message}</span>
              {view.error.retryable && (
                <button type="button" onClick={() => void retry()} className="shrink-0 rounded bg-red-600 px-2 py-0.5 text-xs font-medium text-white hover:bg-red-700">
                  Retry
                </button>
              )}
              <button type="button" onClick={() => dispatch({ type: "clearError" })} className="shrink-0 px-1 text-red-700" aria-label="Dismiss">
                ✕
              </button>
            </div>
          )}
          <Composer inputRef={input} busy={busy} onSend={send} onStop={stop} />
        </>
      )}
      <div className="sr-only" aria-live="polite">
        {announce}
      </div>
    </div>
  );
}

const getItemKey = (item: ThreadItem) => item.id;

function ProgressLine({ busy, progress, streaming, retrying }: { busy: boolean; progress: ThreadView["progress"]; streaming: boolean; retrying: RetryInfo | null }) {
  if (!busy || retrying) return <div className="h-2" />;
  return (
    <div className="flex items-center gap-2 px-1 py-2 text-sm text-slate-500" role="status" data-testid="chat-progress">
      <span className="inline-block h-2 w-2 animate-pulse rounded-full bg-indigo-500" aria-hidden />
      {progress?.text || (streaming ? "Writing…" : "Thinking…")}
    </div>
  );
}

function Composer({ inputRef, busy, onSend, onStop }: { inputRef: React.RefObject<HTMLTextAreaElement | null>; busy: boolean; onSend: (t: string) => void; onStop: () => void }) {
  const [text, setText] = useState("");
  const submit = () => {
    if (!text.trim() || busy) return;
    onSend(text);
    setText("");
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
        placeholder="Message the assistant…"
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

function StartScreen({ recent, onPrompt, onOpen, onAll, disabled }: { recent: ThreadMetadata[]; onPrompt: (t: string) => void; onOpen: (t: ThreadMetadata) => void; onAll: () => void; disabled: boolean }) {
  return (
    <div className="min-h-0 flex-1 overflow-y-auto p-4">
      <p className="mt-4 text-center text-lg font-semibold text-slate-800">What can I help with?</p>
      <p className="mt-1 text-center text-sm text-slate-500">Add, find, change or complete tasks by asking.</p>
      <div className="mt-4 flex flex-wrap justify-center gap-2">
        {PROMPTS.map((p) => (
          <button key={p} type="button" disabled={disabled} onClick={() => onPrompt(p)} className="rounded-full border border-slate-300 px-3 py-1 text-sm text-slate-700 hover:bg-slate-50 disabled:opacity-50">
            {p}
          </button>
        ))}
      </div>
      {recent.length > 0 && (
        <div className="mt-8">
          <div className="mb-1 flex items-center justify-between">
            <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Recent conversations</h3>
            <button type="button" onClick={onAll} className="text-xs text-indigo-700 hover:underline">
              See all
            </button>
          </div>
          <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
            {recent.map((t) => (
              <li key={t.id}>
                <button type="button" onClick={() => onOpen(t)} className="flex w-full items-center gap-2 px-3 py-2 text-left text-sm hover:bg-slate-50" data-testid="recent-thread">
                  <span className="min-w-0 flex-1 truncate">{t.title || "Untitled conversation"}</span>
                  <span className="shrink-0 text-xs text-slate-400">{formatWhen(t.created_at)}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function ThreadList({
  threads,
  currentId,
  onOpen,
  onMore,
  onReload,
  onRename,
  onDelete,
}: {
  threads: ThreadsState;
  currentId: string | null;
  onOpen: (t: ThreadMetadata) => void;
  onMore: () => void;
  onReload: () => void;
  onRename: (t: ThreadMetadata, title: string) => Promise<void>;
  onDelete: (t: ThreadMetadata) => Promise<void>;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [confirm, setConfirm] = useState<string | null>(null);
  return (
    <div className="min-h-0 flex-1 overflow-y-auto" data-testid="thread-list">
      {threads.error && (
        <div role="alert" className="m-3 flex items-center gap-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          <span className="flex-1">{threads.error}</span>
          <button type="button" onClick={onReload} className="rounded bg-red-600 px-2 py-0.5 text-xs text-white">
            Retry
          </button>
        </div>
      )}
      {threads.loaded && !threads.list.length && !threads.error && <p className="p-6 text-center text-sm text-slate-500">No conversations yet.</p>}
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
                  <span className="min-w-0 flex-1 truncate">{t.title || "Untitled conversation"}</span>
                  <span className="shrink-0 text-xs text-slate-400">{formatWhen(t.created_at)}</span>
                </button>
                <button
                  type="button"
                  onClick={() => {
                    setEditing(t.id);
                    setDraft(t.title || "");
                  }}
                  className="rounded px-1.5 py-1 text-xs text-slate-400 hover:bg-slate-100 hover:text-slate-700"
                  aria-label={`Rename “${t.title || "Untitled conversation"}”`}
                >
                  ✎
                </button>
                <button
                  type="button"
                  onClick={() => (confirm === t.id ? void onDelete(t) : setConfirm(t.id))}
                  onBlur={() => setConfirm(null)}
                  className={`rounded px-1.5 py-1 text-xs ${confirm === t.id ? "bg-red-600 text-white" : "text-slate-400 hover:bg-red-50 hover:text-red-700"}`}
                  aria-label={confirm === t.id ? "Confirm delete" : `Delete “${t.title || "Untitled conversation"}”`}
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

const MessageRow = memo(function MessageRow({
  item,
  streaming,
  canRetry,
  feedback,
  onRetry,
  onFeedback,
}: {
  item: ThreadItem;
  streaming: boolean;
  canRetry: boolean;
  feedback?: "positive" | "negative";
  onRetry: () => void;
  onFeedback: (id: string, kind: "positive" | "negative") => void;
}) {
  if (item.type === "user_message") {
    return (
      <div className="flex justify-end py-1.5" data-testid="msg-user">
        <div className={`max-w-[85%] rounded-2xl rounded-br-sm bg-indigo-600 px-3 py-2 text-sm whitespace-pre-wrap break-words text-white ${item.id === PENDING_USER_ID ? "opacity-70" : ""}`}>
          {itemText(item)}
        </div>
      </div>
    );
  }
  if (item.type === "assistant_message") {
    const text = itemText(item);
    return (
      <div className="py-1.5" data-testid="msg-assistant" data-streaming={streaming || undefined}>
        <div className="max-w-[95%] text-sm text-slate-800">
          {text ? <Markdown text={text} /> : streaming ? null : <p className="text-slate-400 italic">(no answer)</p>}
          {streaming && <span className="ml-0.5 inline-block h-4 w-1.5 animate-pulse bg-slate-400 align-middle" aria-hidden />}
        </div>
        {!streaming && (
          <div className="mt-1 flex gap-1 text-xs text-slate-400">
            <button
              type="button"
              onClick={() => onFeedback(item.id, "positive")}
              aria-pressed={feedback === "positive"}
              className={`rounded px-1.5 py-0.5 hover:bg-slate-100 ${feedback === "positive" ? "text-emerald-600" : ""}`}
              aria-label="Good answer"
            >
              <ThumbUpIcon />
            </button>
            <button
              type="button"
              onClick={() => onFeedback(item.id, "negative")}
              aria-pressed={feedback === "negative"}
              className={`rounded px-1.5 py-0.5 hover:bg-slate-100 ${feedback === "negative" ? "text-red-600" : ""}`}
              aria-label="Bad answer"
            >
              <ThumbDownIcon />
            </button>
            {canRetry && (
              <button type="button" onClick={onRetry} className="rounded px-1.5 py-0.5 hover:bg-slate-100 hover:text-slate-700" aria-label="Retry this answer">
                ↻ Retry
              </button>
            )}
          </div>
        )}
      </div>
    );
  }
  if (item.type === "task") {
    return <ToolLine text={item.task.title || item.task.content || "Done"} done={item.task.status_indicator !== "loading"} />;
  }
  if (item.type === "workflow") {
    const wf = (item as WorkflowItem).workflow;
    return (
      <div className="py-1">
        {wf.tasks.map((t, i) => (
          <ToolLine key={i} text={t.title || t.content || "Step"} done={t.status_indicator !== "loading"} />
        ))}
      </div>
    );
  }
  if (item.type === "client_tool_call") return <ToolLine text={`Tool: ${item.name}`} done={item.status === "completed"} />;
  if (item.type === "widget") return item.copy_text ? <ToolLine text={item.copy_text} done /> : null;
  return null;
});

function ToolLine({ text, done }: { text: string; done: boolean }) {
  return (
    <div className="flex items-center gap-2 py-0.5 text-xs text-slate-500" data-testid="msg-tool">
      <span aria-hidden>{done ? "✓" : "…"}</span>
      <span className="truncate">{text}</span>
    </div>
  );
}
