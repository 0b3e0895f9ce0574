"use client";

import { useCallback, useEffect, useState } from "react";
import { formatInstant, type Reminder, type RemindersApi } from "@/lib/reminders";
import type { Task } from "@/lib/tasks";

export interface DueReminder {
  reminder: Reminder;
  task: Task;
}

/** Show a browser notification for a due reminder when the user allowed them. */
export function notifyDue(due: DueReminder): void {
  if (typeof window === "undefined" || !("Notification" in window) || Notification.permission !== "granted") return;
  try {
    new Notification(`Reminder: ${due.task.title}`, { body: due.task.due_time ? `Due ${due.task.due_time}` : "", tag: `reminder-${due.reminder.id}` });
  } catch {
    // some browsers only allow notifications from a service worker; the in-page toast still shows
  }
}

/** In-page toasts of due reminders, each with Done (completes the task) and Snooze (10 minutes). */
export default function ReminderToasts({ items, api, timezone, onDone, onClose }: {
  items: DueReminder[];
  api: RemindersApi | null;
  timezone: string;
  onDone: (task: Task) => void;
  onClose: (reminderId: number) => void;
}) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!error) return;
    const t = setTimeout(() => setError(null), 5000);
    return () => clearTimeout(t);
  }, [error]);

  const snooze = useCallback(async (item: DueReminder) => {
    if (!api) return;
    try {
      await api.snooze(item.reminder.id, 10);
      onClose(item.reminder.id);
    } catch {
      setError("Could not snooze the reminder.");
    }
  }, [api, onClose]);

  if (items.length === 0 && !error) return null;
  return (
    <div className="fixed bottom-4 left-4 z-50 flex w-80 flex-col gap-2" aria-live="assertive">
      {items.map((item) => (
        <div key={item.reminder.id} role="alert" data-testid="reminder-toast" className="rounded-lg border border-amber-300 bg-amber-50 p-3 shadow-lg">
          <p className="text-sm font-semibold text-amber-900">Reminder: {item.task.title}</p>
          <p className="text-xs text-amber-800">
            {item.reminder.late ? "Missed while you were away: " : "Now: "}
            {formatInstant(item.reminder.remind_at, timezone)}
          </p>
          <div className="mt-2 flex gap-2">
            <button type="button" onClick={() => { onDone(item.task); onClose(item.reminder.id); }}
              className="rounded-md bg-indigo-600 px-3 py-1 text-sm font-medium text-white hover:bg-indigo-700">Done</button>
            <button type="button" onClick={() => void snooze(item)}
              className="rounded-md border border-amber-400 px-3 py-1 text-sm hover:bg-amber-100">Snooze 10 min</button>
            <button type="button" aria-label="Close" onClick={() => onClose(item.reminder.id)} className="ml-auto text-sm text-amber-700">×</button>
          </div>
        </div>
      ))}
      {error && <p role="status" className="rounded bg-red-50 p-2 text-sm text-red-700">{error}</p>}
    </div>
  );
}
