/**
 * The chat's one reducer module: the built-in panel's view of one thread, how each ThreadStreamEvent and each
 * panel action changes it (pure functions), and the outbox, i.e. the message being sent (or that failed), kept
 * with its idempotency key so a retry sends exactly that message again.
 */

import type { AssistantMessageContent, ThreadItem, ThreadMetadata, ThreadStreamEvent, WorkflowItem } from "../chatkitTypes";

export interface ChatError {
  message: string;
  /** Offer a retry button. */
  retryable: boolean;
}

export interface ThreadView {
  thread: ThreadMetadata | null;
  /** Items oldest first (only the pages loaded so far). */
  items: ThreadItem[];
  /** Older items exist on the server; `olderCursor` is the `after` of the next items.list (desc). */
  hasOlder: boolean;
  olderCursor: string | null;
  /** Id of the assistant item being streamed. */
  streamingItemId: string | null;
  progress: { text: string; icon?: string | null } | null;
  notice: { level: string; message: string; title?: string | null } | null;
  error: ChatError | null;
  /** The last message the user sent, until its turn ends well (then null). */
  outbox: Outbox | null;
  /** Bumped on every change to the items, so the list knows to keep the bottom in view. */
  version: number;
}

/** A message on its way, or one whose turn failed: what Retry or "Send again" sends. */
export interface Outbox {
  text: string;
  /** Sent as `Idempotency-Key` on every attempt of this message. */
  key: string;
  /** The server's id of the stored message once the stream said so; null while unknown. */
  itemId: string | null;
  /** `sending`; `failed` (the turn broke); `unsent` (the server never answered: nothing was stored). */
  state: "sending" | "failed" | "unsent";
  /** Ids of the items the view held when the message was sent (to recognise the server's copy later). */
  knownIds: string[];
}

export const emptyThread: ThreadView = {
  thread: null,
  items: [],
  hasOlder: false,
  olderCursor: null,
  streamingItemId: null,
  progress: null,
  notice: null,
  error: null,
  outbox: null,
  version: 0,
};

export const PENDING_USER_ID = "__pending_user__";

/** Hidden items are never shown (the server filters them anyway). */
export function isVisible(item: ThreadItem): boolean {
  return item.type !== "hidden_context_item" && item.type !== "sdk_hidden_context" && item.type !== "end_of_turn";
}

function upsert(items: ThreadItem[], item: ThreadItem): ThreadItem[] {
  const index = items.findIndex((i) => i.id === item.id);
  if (index !== -1) {
    const next = items.slice();
    next[index] = item;
    return next;
  }
  // The server's copy of our message replaces the optimistic one.
  if (item.type === "user_message") {
    const pending = items.findIndex((i) => i.id === PENDING_USER_ID);
    if (pending !== -1) {
      const next = items.slice();
      next[pending] = item;
      return next;
    }
  }
  return [...items, item];
}

function updateItem(items: ThreadItem[], id: string, change: (item: ThreadItem) => ThreadItem): ThreadItem[] {
  const index = items.findIndex((i) => i.id === id);
  if (index === -1) return items;
  const next = items.slice();
  next[index] = change(items[index]);
  return next;
}

function setPart(content: AssistantMessageContent[], index: number, part: AssistantMessageContent): AssistantMessageContent[] {
  const next = content.slice();
  while (next.length <= index) next.push({ type: "output_text", text: "" });
  next[index] = part;
  return next;
}

/** The server's copy of the message in the outbox: remember its id (a retry then re-runs exactly it). */
function withOutboxItem(view: ThreadView, item: ThreadItem): ThreadView {
  const box = view.outbox;
  if (!box || box.itemId || item.type !== "user_message" || !view.items.some((i) => i.id === PENDING_USER_ID)) return view;
  return { ...view, outbox: { ...box, itemId: item.id } };
}

/** Apply one stream event to the view. */
export function applyEvent(view: ThreadView, event: ThreadStreamEvent): ThreadView {
  switch (event.type) {
    case "thread.created":
    case "thread.updated": {
      const { items: _items, ...meta } = event.thread;
      const thread = { ...meta };
      const items = view.items.map((i) => (i.thread_id ? i : { ...i, thread_id: thread.id }));
      return { ...view, thread, items };
    }
    case "thread.item.added":
    case "thread.item.replaced": {
      if (!isVisible(event.item)) return view;
      view = withOutboxItem(view, event.item);
      const streaming = event.item.type === "assistant_message" && event.type === "thread.item.added" ? event.item.id : view.streamingItemId;
      return {
        ...view,
        items: upsert(view.items, event.item),
        streamingItemId: streaming,
        progress: event.item.type === "assistant_message" ? view.progress : null,
        version: view.version + 1,
      };
    }
    case "thread.item.done": {
      if (!isVisible(event.item)) return view;
      view = withOutboxItem(view, event.item);
      return {
        ...view,
        items: upsert(view.items, event.item),
        streamingItemId: view.streamingItemId === event.item.id ? null : view.streamingItemId,
        progress: event.item.type === "assistant_message" ? null : view.progress,
        version: view.version + 1,
      };
    }
    case "thread.item.removed":
      return { ...view, items: view.items.filter((i) => i.id !== event.item_id), version: view.version + 1 };
    case "thread.item.updated": {
      const u = event.update as { type: string; content_index?: number; delta?: string; content?: AssistantMessageContent; task_index?: number; task?: unknown };
      const items = updateItem(view.items, event.item_id, (item) => {
        if (item.type === "assistant_message") {
          const index = u.content_index ?? 0;
          if (u.type === "assistant_message.content_part.text_delta") {
            const current = item.content[index] ?? { type: "output_text" as const, text: "" };
            return { ...item, content: setPart(item.content, index, { ...current, text: current.text + (u.delta ?? "") }) };
          }
          if ((u.type === "assistant_message.content_part.added" || u.type === "assistant_message.content_part.done") && u.content) {
            return { ...item, content: setPart(item.content, index, u.content) };
          }
          return item;
        }
        if (item.type === "workflow" && (u.type === "workflow.task.added" || u.type === "workflow.task.updated")) {
          const tasks = (item as WorkflowItem).workflow.tasks.slice();
          tasks[u.task_index ?? tasks.length] = u.task as WorkflowItem["workflow"]["tasks"][number];
          return { ...item, workflow: { ...(item as WorkflowItem).workflow, tasks } } as ThreadItem;
        }
        return item;
      });
      return items === view.items ? view : { ...view, items, version: view.version + 1 };
    }
    case "progress_update":
      return { ...view, progress: { text: event.text, icon: event.icon } };
    case "notice":
      return { ...view, notice: { level: event.level, message: event.message, title: event.title } };
    case "error":
      return {
        ...view,
        progress: null,
        streamingItemId: null,
        outbox: view.outbox ? { ...view.outbox, state: "failed" } : null,
        error: { message: event.message || "The assistant could not answer. Please try again.", retryable: !!event.allow_retry },
      };
    default:
      return view; // stream_options, client_effect and future types change nothing here
  }
}

/** The latest user message at or before `index` (what a retry of the answer at `index` re-runs from). */
export function userMessageBefore(items: ThreadItem[], index: number): ThreadItem | null {
  for (let i = Math.min(index, items.length - 1); i >= 0; i--) {
    if (items[i].type === "user_message" && items[i].id !== PENDING_USER_ID) return items[i];
  }
  return null;
}

/** A failed or interrupted reply's status line: the server's `task` item `<assistant item id>_status`. */
export function isReplyStatus(item: ThreadItem): boolean {
  return item.type === "task" && item.id.endsWith("_status") && (item.task as { type?: string }).type === "custom";
}

/** What the panel does besides stream events. */
export type ChatAction =
  | { type: "reset"; thread?: ThreadMetadata | null }
  | { type: "loaded"; items: ThreadItem[]; hasOlder: boolean; cursor: string | null }
  | { type: "older"; items: ThreadItem[]; hasOlder: boolean; cursor: string | null }
  /** A message goes out (new, or sent again): shown at once, kept in the outbox with its key. */
  | { type: "sending"; text: string; key: string; itemId?: string | null }
  | { type: "event"; event: ThreadStreamEvent }
  /** The stream ended normally: the outbox is done. */
  | { type: "finished" }
  | { type: "stopped" }
  /** The request or stream failed; `reachedServer` false means nothing was stored. */
  | { type: "failed"; message: string; retryable: boolean; reachedServer: boolean }
  | { type: "clearError" }
  /** The user gives up on an unsent message: it leaves the view. */
  | { type: "discard" }
  | { type: "truncateAfter"; itemId: string };

function pendingItem(view: ThreadView, text: string): ThreadItem {
  return { id: PENDING_USER_ID, thread_id: view.thread?.id ?? "", created_at: new Date().toISOString(), type: "user_message", content: [{ type: "input_text", text }] };
}

export function chatReducer(view: ThreadView, action: ChatAction): ThreadView {
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
    case "sending": {
      const others = view.items.filter((i) => i.id !== PENDING_USER_ID);
      const itemId = action.itemId ?? null;
      // A message the server already holds stays where it is; a new (or never stored) one shows as pending.
      const items = itemId ? others : [...others, pendingItem(view, action.text)];
      return {
        ...view,
        items,
        error: null,
        notice: null,
        outbox: { text: action.text, key: action.key, itemId, state: "sending", knownIds: others.map((i) => i.id) },
        version: view.version + 1,
      };
    }
    case "event":
      return applyEvent(view, action.event);
    case "finished":
      if (view.error) return { ...view, streamingItemId: null, progress: null };
      return { ...view, streamingItemId: null, progress: null, outbox: null };
    case "stopped":
      return { ...view, streamingItemId: null, progress: null, outbox: view.outbox ? { ...view.outbox, state: "failed" } : null };
    case "failed": {
      const box = view.outbox;
      const unsent = !!box && !box.itemId && !action.reachedServer;
      return {
        ...view,
        streamingItemId: null,
        progress: null,
        outbox: box ? { ...box, state: unsent ? "unsent" : "failed" } : null,
        error: { message: action.message, retryable: action.retryable },
      };
    }
    case "clearError":
      return view.error || view.notice ? { ...view, error: null, notice: null } : view;
    case "discard":
      if (view.outbox?.state !== "unsent") return view;
      return { ...view, items: view.items.filter((i) => i.id !== PENDING_USER_ID), outbox: null, error: null, version: view.version + 1 };
    case "truncateAfter": {
      const index = view.items.findIndex((i) => i.id === action.itemId);
      return index === -1 ? view : { ...view, items: view.items.slice(0, index + 1), version: view.version + 1 };
    }
  }
}
