/** The tasks API (contract: /api/{user_id}/tasks), typed. */

import { auth, type AuthClient } from "./auth";
import { apiUrl } from "./config";
import { errorFromResponse } from "./http";
import type { Reminder } from "./reminders";

export type Priority = "none" | "low" | "medium" | "high";
export const PRIORITIES: Priority[] = ["high", "medium", "low", "none"];

export interface Task {
  id: number;
  title: string;
  description: string;
  completed: boolean;
  completed_at: string | null;
  priority: Priority;
  due_date: string | null;
  due_time: string | null;
  tags: string[];
  recurrence: string | null;
  created_at: string;
  updated_at: string;
  /** Reminders not dismissed (issue 13). */
  reminders?: Reminder[];
}

export interface TaskInput {
  title: string;
  description?: string;
  priority?: Priority;
  due_date?: string | null;
  due_time?: string | null;
  tags?: string[];
  recurrence?: string | null;
}

export type TaskPatch = Partial<TaskInput>;

export interface TaskQuery {
  status?: "all" | "pending" | "completed";
  q?: string;
  tag?: string;
  priority?: Priority | "";
  due_before?: string;
  due_after?: string;
  sort?: "created" | "due" | "priority" | "title";
  order?: "asc" | "desc";
  limit?: number;
  cursor?: string;
}

export interface TaskPage {
  tasks: Task[];
  next_cursor: string | null;
}

export function taskQueryString(query: TaskQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "" || (key === "status" && value === "all")) continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function createTasksApi(userId: string, client: AuthClient = auth) {
  const base = apiUrl(`/api/${encodeURIComponent(userId)}/tasks`);

  async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
    const headers = new Headers(init.headers);
    if (init.body !== undefined) headers.set("Content-Type", "application/json");
    const res = await client.authFetch(url, { ...init, headers });
    if (!res.ok) throw await errorFromResponse(res);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  return {
    list: (query: TaskQuery, signal?: AbortSignal) => call<TaskPage>(base + taskQueryString(query), { signal }),
    create: (input: TaskInput) => call<Task>(base, { method: "POST", body: JSON.stringify(input) }),
    update: (id: number, patch: TaskPatch) => call<Task>(`${base}/${id}`, { method: "PATCH", body: JSON.stringify(patch) }),
    remove: (id: number) => call<void>(`${base}/${id}`, { method: "DELETE" }),
    setCompleted: (id: number, completed: boolean) =>
      call<Task>(`${base}/${id}/complete`, { method: "PATCH", body: JSON.stringify({ completed }) }),
    /** Every tag on the user's tasks (the tag filter follows it). */
    tags: (signal?: AbortSignal) => call<{ tags: string[] }>(`${base}/tags`, { signal }).then((r) => r.tags),
    /** Delete every completed task; their ids, restorable for 24 hours. */
    clearCompleted: () => call<{ ids: number[]; count: number }>(`${base}/clear-completed`, { method: "POST" }),
    /** Undo a delete or clear-completed: the tasks come back with the same id and fields. */
    restore: (ids: number[]) => call<{ tasks: Task[] }>(`${base}/restore`, { method: "POST", body: JSON.stringify({ ids }) }).then((r) => r.tasks),
  };
}

export type TasksApi = ReturnType<typeof createTasksApi>;

/** Tags typed as "home, #errands work" -> ["home", "errands", "work"] (the server normalises them too). */
export function parseTags(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[\s,]+/)) {
    const tag = raw.replace(/^#+/, "").trim().toLowerCase();
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}

/** YYYY-MM-DD of a Date in local time. */
export function isoDay(date: Date): string {
  const m = String(date.getMonth() + 1).padStart(2, "0");
  const d = String(date.getDate()).padStart(2, "0");
  return `${date.getFullYear()}-${m}-${d}`;
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number);
  return isoDay(new Date(y, m - 1, d + n));
}

/** Today's date in a timezone (the user's: task dates are in it). */
export function todayIn(timezone: string, now: Date = new Date()): string {
  try {
    // en-CA formats as YYYY-MM-DD
    return new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  } catch {
    return isoDay(now);
  }
}

export type DueState = "overdue" | "today" | "tomorrow" | "soon" | "later" | "none";

export function dueState(task: Pick<Task, "due_date" | "completed">, today: string): DueState {
  if (!task.due_date) return "none";
  if (task.due_date < today) return task.completed ? "later" : "overdue";
  if (task.due_date === today) return "today";
  if (task.due_date === addDays(today, 1)) return "tomorrow";
  if (task.due_date <= addDays(today, 7)) return "soon";
  return "later";
}

const WEEKDAY = new Intl.DateTimeFormat(undefined, { weekday: "short" });
const SHORT_DATE = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const LONG_DATE = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", year: "numeric" });

/** "Today", "Tomorrow", "Yesterday", "Fri", "Mar 3", "Mar 3, 2027" (+ " 18:30"). */
export function formatDue(task: Pick<Task, "due_date" | "due_time">, today: string): string {
  if (!task.due_date) return "";
  const [y, m, d] = task.due_date.split("-").map(Number);
  const date = new Date(y, m - 1, d);
  let text: string;
  if (task.due_date === today) text = "Today";
  else if (task.due_date === addDays(today, 1)) text = "Tomorrow";
  else if (task.due_date === addDays(today, -1)) text = "Yesterday";
  else if (task.due_date > today && task.due_date <= addDays(today, 6)) text = WEEKDAY.format(date);
  else if (task.due_date.slice(0, 4) === today.slice(0, 4)) text = SHORT_DATE.format(date);
  else text = LONG_DATE.format(date);
  return task.due_time ? `${text} ${task.due_time}` : text;
}

/** A readable summary of an RRULE ("Weekly", "Every 2 days", ...). */
export function describeRecurrence(rrule: string | null): string {
  if (!rrule) return "";
  const parts = Object.fromEntries(
    rrule
      .replace(/^RRULE:/i, "")
      .split(";")
      .map((p) => p.split("=") as [string, string]),
  );
  const freq = (parts.FREQ || "").toLowerCase();
  const interval = Number(parts.INTERVAL || 1);
  const unit: Record<string, string> = { daily: "day", weekly: "week", monthly: "month", yearly: "year" };
  if (!unit[freq]) return "Repeats";
  if (interval > 1) return `Every ${interval} ${unit[freq]}s`;
  return freq.charAt(0).toUpperCase() + freq.slice(1);
}
