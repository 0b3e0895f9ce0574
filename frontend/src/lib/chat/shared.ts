/**
 * What the built-in panel and ChatKit's own UI share, so the two cannot drift: the endpoint, the header and
 * start screen (greeting, help text, starter prompts in words, never task ids), the thread opened first (the
 * one used last, from the server), and the rule for refreshing the task list.
 */

import type { ChatKitClient } from "../chatkitClient";
import type { ThreadMetadata, ThreadStreamEvent } from "../chatkitTypes";
import { apiUrl } from "../config";

/** The ChatKit endpoint of a user (one POST endpoint for every request). */
export function chatkitEndpoint(userId: string): string {
  return apiUrl(`/api/${encodeURIComponent(userId)}/chatkit`);
}

export const CHAT_HEADER = {
  title: "Assistant",
  greeting: "What can I help with?",
  help: "Add, find, change or complete tasks by asking, in your own words: “mark buy bread as done”.",
  placeholder: "Ask or tell me anything about your tasks…",
  newThreadTitle: "New conversation",
} as const;

export interface StarterPrompt {
  label: string;
  prompt: string;
  /** ChatKit's icon name. */
  icon: "calendar" | "plus" | "star" | "check-circle";
}

export const STARTER_PROMPTS: StarterPrompt[] = [
  { label: "What's due this week?", prompt: "What's due this week?", icon: "calendar" },
  { label: "Add a task", prompt: "Add buy milk tomorrow", icon: "plus" },
  { label: "High priority", prompt: "Show my high priority tasks", icon: "star" },
  { label: "Finished today", prompt: "What did I finish today?", icon: "check-circle" },
];

/** A thread's title as both UIs show it. */
export function threadTitle(thread: ThreadMetadata | null): string {
  if (!thread) return CHAT_HEADER.newThreadTitle;
  return thread.title || "Untitled conversation";
}

/** When the thread was last used (the server's `metadata.updated_at`), else when it was created. */
export function lastActivity(thread: ThreadMetadata): string {
  const stamp = (thread.metadata as Record<string, unknown> | undefined)?.updated_at;
  return typeof stamp === "string" ? stamp : thread.created_at;
}

/** "14:05" today, "Mar 3" otherwise. */
export function formatWhen(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  if (date.toDateString() === now.toDateString()) return date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return date.toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

/** The thread to reopen: the one used last, as the server orders them (never from local storage). */
export async function lastUsedThread(client: ChatKitClient, signal?: AbortSignal): Promise<ThreadMetadata | null> {
  const page = await client.listThreads({ limit: 1, order: "desc" }, signal);
  return page.data[0] ?? null;
}

/**
 * The task-refresh rule, the same for both UIs: the task list is fetched again when a reply ends (finished,
 * stopped or broken: the assistant may have changed tasks before it stopped) and on every client effect.
 * `TASK_REFRESH_DELAY_MS` coalesces a burst of these into one request.
 */
export const TASK_REFRESH_DELAY_MS = 150;

export function isClientEffect(event: ThreadStreamEvent): boolean {
  return event.type === "client_effect";
}
