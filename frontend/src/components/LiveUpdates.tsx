"use client";

import { useCallback, useMemo, useState } from "react";
import { createRemindersApi } from "@/lib/reminders";
import type { Task } from "@/lib/tasks";
import { useLiveEvents, type LiveEvent } from "@/lib/useLiveEvents";
import ReminderToasts, { notifyDue, type DueReminder } from "./ReminderToast";

/** The tasks list after one live event: changed in place, added, or removed (no refetch). */
export function applyLiveEvent(tasks: Task[], event: LiveEvent): Task[] {
  if (event.type === "task.deleted") return tasks.filter((t) => t.id !== event.task.id);
  const task = event.task;
  if (tasks.some((t) => t.id === task.id)) return tasks.map((t) => (t.id === task.id ? task : t));
  return event.type === "task.created" ? [task, ...tasks] : tasks;
}

/** Keeps the task list live from the event stream and shows due reminders (toast + browser notification). */
export default function LiveUpdates({ userId, timezone, patchTasks, onDone }: {
  userId: string;
  timezone: string;
  patchTasks: (change: (tasks: Task[]) => Task[]) => void;
  onDone: (task: Task) => void;
}) {
  const api = useMemo(() => createRemindersApi(userId), [userId]);
  const [due, setDue] = useState<DueReminder[]>([]);
  const onEvent = useCallback((event: LiveEvent) => {
    if (event.type === "reminder.due") {
      const item = { reminder: event.reminder, task: event.task };
      setDue((d) => [...d.filter((x) => x.reminder.id !== event.reminder.id), item]);
      notifyDue(item);
      patchTasks((tasks) => applyLiveEvent(tasks, { type: "task.updated", task: event.task }));
      return;
    }
    patchTasks((tasks) => applyLiveEvent(tasks, event));
  }, [patchTasks]);
  useLiveEvents(userId, onEvent);
  const close = useCallback((id: number) => setDue((d) => d.filter((x) => x.reminder.id !== id)), []);
  return <ReminderToasts items={due} api={api} timezone={timezone} onDone={onDone} onClose={close} />;
}
