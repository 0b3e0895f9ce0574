/**
 * The ChatKit protocol, as the Python SDK (chatkit/types.py) defines it: the subset this app speaks.
 * Unknown event and item types are tolerated (ignored or shown generically).
 */

export interface Page<T> {
  data: T[];
  has_more: boolean;
  after?: string | null;
}

export interface ThreadStatus {
  type: "active" | "locked" | "closed";
  reason?: string | null;
}

export interface ThreadMetadata {
  id: string;
  title?: string | null;
  created_at: string;
  status?: ThreadStatus;
  metadata?: Record<string, unknown>;
}

export interface Thread extends ThreadMetadata {
  items: Page<ThreadItem>;
}

export interface UserMessageContent {
  type: "input_text" | "input_tag";
  text: string;
  id?: string;
}

export interface AssistantMessageContent {
  type: "output_text";
  text: string;
  annotations?: unknown[];
}

interface ItemBase {
  id: string;
  thread_id: string;
  created_at: string;
}

export interface UserMessageItem extends ItemBase {
  type: "user_message";
  content: UserMessageContent[];
  attachments?: unknown[];
  quoted_text?: string | null;
  inference_options?: Record<string, unknown>;
}

export interface AssistantMessageItem extends ItemBase {
  type: "assistant_message";
  content: AssistantMessageContent[];
}

export interface WorkflowTask {
  type: string;
  title?: string | null;
  content?: string | null;
  status_indicator?: "none" | "loading" | "complete";
}

export interface TaskItem extends ItemBase {
  type: "task";
  task: WorkflowTask;
}

export interface WorkflowItem extends ItemBase {
  type: "workflow";
  workflow: { type: string; tasks: WorkflowTask[]; summary?: { title?: string; duration?: number } | null; expanded?: boolean };
}

export interface ClientToolCallItem extends ItemBase {
  type: "client_tool_call";
  name: string;
  status?: "pending" | "completed";
  arguments?: Record<string, unknown>;
}

export interface WidgetItem extends ItemBase {
  type: "widget";
  copy_text?: string | null;
  widget?: unknown;
}

export interface OtherItem extends ItemBase {
  type: "end_of_turn" | "generated_image" | "structured_input" | "hidden_context_item" | "sdk_hidden_context";
}

export type ThreadItem = UserMessageItem | AssistantMessageItem | TaskItem | WorkflowItem | ClientToolCallItem | WidgetItem | OtherItem;

export type ThreadItemUpdate =
  | { type: "assistant_message.content_part.added"; content_index: number; content: AssistantMessageContent }
  | { type: "assistant_message.content_part.text_delta"; content_index: number; delta: string }
  | { type: "assistant_message.content_part.annotation_added"; content_index: number; annotation_index: number; annotation: unknown }
  | { type: "assistant_message.content_part.done"; content_index: number; content: AssistantMessageContent }
  | { type: "workflow.task.added"; task_index: number; task: WorkflowTask }
  | { type: "workflow.task.updated"; task_index: number; task: WorkflowTask }
  | { type: string; [key: string]: unknown };

export type ThreadStreamEvent =
  | { type: "thread.created"; thread: Thread }
  | { type: "thread.updated"; thread: Thread }
  | { type: "thread.item.added"; item: ThreadItem }
  | { type: "thread.item.updated"; item_id: string; update: ThreadItemUpdate }
  | { type: "thread.item.done"; item: ThreadItem }
  | { type: "thread.item.removed"; item_id: string }
  | { type: "thread.item.replaced"; item: ThreadItem }
  | { type: "stream_options"; stream_options: { allow_cancel: boolean } }
  | { type: "progress_update"; icon?: string | null; text: string }
  | { type: "client_effect"; name: string; data?: Record<string, unknown> }
  | { type: "error"; code?: string; message?: string | null; allow_retry?: boolean }
  | { type: "notice"; level: "info" | "warning" | "danger"; message: string; title?: string | null };

export interface UserMessageInput {
  content: UserMessageContent[];
  attachments: string[];
  quoted_text?: string | null;
  inference_options: Record<string, unknown>;
}

export type StreamingRequest =
  | { type: "threads.create"; params: { input: UserMessageInput } }
  | { type: "threads.add_user_message"; params: { thread_id: string; input: UserMessageInput } }
  | { type: "threads.retry_after_item"; params: { thread_id: string; item_id: string } };

export function textInput(text: string): UserMessageInput {
  return { content: [{ type: "input_text", text }], attachments: [], inference_options: {} };
}

/** The plain text of a user or assistant message. */
export function itemText(item: ThreadItem): string {
  if (item.type === "user_message") return item.content.map((c) => c.text).join("");
  if (item.type === "assistant_message") return item.content.map((c) => c.text).join("\n\n");
  return "";
}
