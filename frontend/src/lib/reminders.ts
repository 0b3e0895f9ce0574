/** The reminders API (contract: Reminders) and the browser Notification permission, asked at a sensible moment. */

import { auth, type AuthClient } from "./auth";
import { apiUrl } from "./config";
import { errorFromResponse } from "./http";

export interface Reminder {
  id: number;
  task_id: number;
  remind_at: string;
  before_minutes: number | null;
  status: "scheduled" | "fired" | "dismissed";
  fired_at: string | null;
  late: boolean;
}

export type NewReminder = { remind_at: string } | { before_minutes: number };

export function createRemindersApi(userId: string, client: AuthClient = auth) {
  const base = apiUrl(`/api/${encodeURIComponent(userId)}`);

  async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
    const headers = new Headers(init.headers);
    if (init.body !== undefined) headers.set("Content-Type", "application/json");
    const res = await client.authFetch(base + path, { ...init, headers });
    if (!res.ok) throw await errorFromResponse(res);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  return {
    add: (taskId: number, body: NewReminder) =>
      call<Reminder>(`/tasks/${taskId}/reminders`, { method: "POST", body: JSON.stringify(body) }),
    snooze: (id: number, minutes: number) =>
      call<Reminder>(`/reminders/${id}/snooze`, { method: "POST", body: JSON.stringify({ minutes }) }),
    dismiss: (id: number) => call<Reminder>(`/reminders/${id}/dismiss`, { method: "POST" }),
    remove: (id: number) => call<void>(`/reminders/${id}`, { method: "DELETE" }),
  };
}

export type RemindersApi = ReturnType<typeof createRemindersApi>;

/**
 * Ask for permission to show notifications, once, when the user has just asked to be reminded
 * (never on page load: browsers punish that, and the question makes no sense then).
 */
export async function askNotificationPermission(): Promise<NotificationPermission | "unsupported"> {
  if (typeof window === "undefined" || !("Notification" in window)) return "unsupported";
  if (Notification.permission !== "default") return Notification.permission;
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

/** "Tue 19:00" for a UTC instant, in the user's timezone. */
export function formatInstant(iso: string, timezone: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone: timezone, weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso));
  } catch {
    return new Date(iso).toLocaleString();
  }
}
