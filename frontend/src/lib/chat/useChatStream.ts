"use client";

/**
 * One thread of the built-in panel: opening it, paging its history, sending, streaming, stopping, feedback,
 * and retrying. Retry sends exactly the message that failed:
 *  - its turn was stored (the stream named its item): `threads.retry_after_item` on that item, nothing earlier;
 *  - the stream broke before naming it: the thread's newest items are read, and a user message the view did
 *    not know when it was sent, with the same text, is that message (then as above);
 *  - otherwise it never reached the server: it is sent again, with the same Idempotency-Key.
 */

import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { StreamInterruptedError, type ChatKitClient } from "../chatkitClient";
import { itemText, textInput, type StreamingRequest, type ThreadMetadata, type ThreadStreamEvent } from "../chatkitTypes";
import { ApiError, isAbortError } from "../http";
import type { RetryInfo } from "../retry";
import { describeChatError } from "./errors";
import { chatReducer, emptyThread, userMessageBefore, type Outbox } from "./reducer";
import { isClientEffect } from "./shared";

export interface ChatStreamOptions {
  /** The reply ended (or a client effect came): the task list may have changed. */
  onTasksChanged?: () => void;
  /** A thread was created or had a turn: it is now the most recently used. */
  onActivity?: (thread: ThreadMetadata) => void;
  /** A new idempotency key (tests inject a predictable one). */
  newKey?: () => string;
}

function randomKey(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  return `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export function useChatStream(client: ChatKitClient, options: ChatStreamOptions = {}) {
  const [view, dispatch] = useReducer(chatReducer, emptyThread);
  const viewRef = useRef(view);
  viewRef.current = view;
  const [busy, setBusy] = useState(false);
  const busyRef = useRef(false);
  const [retrying, setRetrying] = useState<RetryInfo | null>(null);
  const [loadingThread, setLoadingThread] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [feedback, setFeedback] = useState<Record<string, "positive" | "negative">>({});
  const [announce, setAnnounce] = useState("");
  const abortRef = useRef<AbortController | null>(null);
  const threadToken = useRef(0);
  const opts = useRef(options);
  opts.current = options;

  useEffect(() => () => abortRef.current?.abort(), []);

  const runStream = useCallback(
    async (req: StreamingRequest, key?: string) => {
      abortRef.current?.abort();
      const controller = new AbortController();
      abortRef.current = controller;
      busyRef.current = true;
      setBusy(true);
      setRetrying(null);
      let reached = false;
      try {
        await client.stream(
          req,
          {
            onEvent: (event: ThreadStreamEvent) => {
              reached = true;
              setRetrying(null);
              dispatch({ type: "event", event });
              if (event.type === "thread.item.done" && event.item.type === "assistant_message") setAnnounce(itemText(event.item).slice(0, 500));
              if (isClientEffect(event)) opts.current.onTasksChanged?.();
            },
            onRetry: (info) => setRetrying(info),
          },
          controller.signal,
          key,
        );
        dispatch({ type: "finished" });
      } catch (err) {
        if (isAbortError(err) || controller.signal.aborted) {
          dispatch({ type: "stopped" });
        } else {
          const { message, retryable } = describeChatError(err);
          const stored = !!viewRef.current.outbox?.itemId;
          dispatch({
            type: "failed",
            message: stored && err instanceof StreamInterruptedError ? `${message} Your message was saved.` : message,
            retryable,
            // A refused request (HTTP error) or no answer at all stored nothing; a stream that began may have.
            reachedServer: reached || err instanceof StreamInterruptedError || (err instanceof ApiError && err.status === 409),
          });
        }
      } finally {
        if (abortRef.current === controller) abortRef.current = null;
        busyRef.current = false;
        setBusy(false);
        setRetrying(null);
        const thread = viewRef.current.thread;
        if (thread && reached) opts.current.onActivity?.(thread);
        // The shared rule: every reply end refreshes the task list (it may have changed before a failure).
        opts.current.onTasksChanged?.();
      }
    },
    [client],
  );

  const send = useCallback(
    (text: string): boolean => {
      const message = text.trim();
      if (!message || busyRef.current) return false;
      // An unsent message is never dropped silently: the new one waits in the composer until it is sent
      // again or discarded.
      const waiting = viewRef.current.outbox;
      if (waiting?.state === "unsent") {
        dispatch({ type: "failed", message: `“${waiting.text.slice(0, 60)}” was not sent yet: send it again or discard it first.`, retryable: true, reachedServer: false });
        return false;
      }
      const key = (opts.current.newKey ?? randomKey)();
      dispatch({ type: "sending", text: message, key });
      const threadId = viewRef.current.thread?.id;
      void runStream(
        threadId
          ? { type: "threads.add_user_message", params: { thread_id: threadId, input: textInput(message) } }
          : { type: "threads.create", params: { input: textInput(message) } },
        key,
      );
      return true;
    },
    [runStream],
  );

  /** Re-run the turn of a stored user message (a failed reply's Retry): replaces the answers after it. */
  const rerun = useCallback(
    (itemId: string) => {
      const current = viewRef.current;
      const item = current.items.find((i) => i.id === itemId);
      if (busyRef.current || !current.thread || !item) return;
      dispatch({ type: "truncateAfter", itemId });
      dispatch({ type: "sending", text: itemText(item), key: (opts.current.newKey ?? randomKey)(), itemId });
      void runStream({ type: "threads.retry_after_item", params: { thread_id: current.thread.id, item_id: itemId } });
    },
    [runStream],
  );

  /** Find the outbox message among the thread's newest stored items (it may be stored without our knowing). */
  const findStored = useCallback(
    async (box: Outbox, threadId: string): Promise<string | null> => {
      const page = await client.listItems({ thread_id: threadId, order: "desc", limit: 10 });
      const found = page.data.find((i) => i.type === "user_message" && !box.knownIds.includes(i.id) && itemText(i).trim() === box.text);
      return found?.id ?? null;
    },
    [client],
  );

  /** Retry the failed message: exactly it, never an earlier turn (see the module's comment). */
  const retry = useCallback(async () => {
    if (busyRef.current) return;
    const current = viewRef.current;
    const box = current.outbox;
    if (!box) {
      // Nothing in the outbox (e.g. a failed reply loaded from history): re-run the last stored message.
      const user = userMessageBefore(current.items, current.items.length - 1);
      if (user) rerun(user.id);
      else dispatch({ type: "clearError" });
      return;
    }
    const threadId = current.thread?.id ?? null;
    let itemId = box.itemId;
    if (!itemId && threadId) {
      try {
        itemId = await findStored(box, threadId);
      } catch (err) {
        dispatch({ type: "failed", ...describeChatError(err), reachedServer: false });
        return;
      }
    }
    if (itemId && threadId) {
      dispatch({ type: "truncateAfter", itemId });
      dispatch({ type: "sending", text: box.text, key: box.key, itemId });
      void runStream({ type: "threads.retry_after_item", params: { thread_id: threadId, item_id: itemId } });
      return;
    }
    dispatch({ type: "sending", text: box.text, key: box.key });
    void runStream(
      threadId
        ? { type: "threads.add_user_message", params: { thread_id: threadId, input: textInput(box.text) } }
        : { type: "threads.create", params: { input: textInput(box.text) } },
      box.key,
    );
  }, [findStored, rerun, runStream]);

  const stop = useCallback(() => abortRef.current?.abort(), []);
  const clearError = useCallback(() => dispatch({ type: "clearError" }), []);
  const discard = useCallback(() => dispatch({ type: "discard" }), []);

  const openThread = useCallback(
    async (meta: ThreadMetadata | null) => {
      abortRef.current?.abort();
      const token = ++threadToken.current;
      dispatch({ type: "reset", thread: meta });
      setFeedback({});
      if (!meta) return;
      setLoadingThread(true);
      try {
        const page = await client.listItems({ thread_id: meta.id, order: "desc", limit: 30 });
        if (token !== threadToken.current) return;
        dispatch({ type: "loaded", items: page.data.slice().reverse(), hasOlder: page.has_more, cursor: page.after ?? null });
      } catch (err) {
        if (token !== threadToken.current) return;
        dispatch({ type: "failed", message: `Could not load this conversation. ${describeChatError(err).message}`, retryable: false, reachedServer: true });
      } finally {
        if (token === threadToken.current) setLoadingThread(false);
      }
    },
    [client],
  );

  /** A thread's metadata changed elsewhere (renamed in History, or deleted: null). */
  const threadChanged = useCallback((id: string, meta: ThreadMetadata | null) => {
    if (viewRef.current.thread?.id !== id) return;
    if (meta) dispatch({ type: "event", event: { type: "thread.updated", thread: { ...meta, items: { data: [], has_more: false } } } });
    else dispatch({ type: "reset" });
  }, []);

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

  return { view, busy, retrying, loadingThread, loadingOlder, feedback, announce, send, retry, rerun, stop, clearError, discard, openThread, threadChanged, loadOlder, giveFeedback };
}

export type ChatStream = ReturnType<typeof useChatStream>;
