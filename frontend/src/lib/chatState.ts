/** The built-in panel's view of one thread, and how each ThreadStreamEvent changes it (pure functions). */

import type { AssistantMessageContent, ThreadItem, ThreadMetadata, ThreadStreamEvent, WorkflowItem } from "./chatkitTypes";

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
  /** Bumped on every change to the items, so the list knows to keep the bottom in view. */
  version: number;
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
        error: { message: event.message || "The assistant could not answer. Please try again.", retryable: !!event.allow_retry },
      };
    default:
      return view; // stream_options, client_effect and future types change nothing here
  }
}

/** Does this event mean the assistant may have changed the user's tasks (so the list should refetch)? */
export function touchesTasks(event: ThreadStreamEvent): boolean {
  if (event.type === "thread.item.done") return event.item.type !== "user_message";
  if (event.type === "client_effect") return true;
  return false;
}

/** The latest user message at or before `index` (what a retry of the answer at `index` re-runs from). */
export function userMessageBefore(items: ThreadItem[], index: number): ThreadItem | null {
  for (let i = Math.min(index, items.length - 1); i >= 0; i--) {
    if (items[i].type === "user_message" && items[i].id !== PENDING_USER_ID) return items[i];
  }
  return null;
}
