"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { enablePush, readUrlAction, readWorkerMessage, type ReminderAction } from "@/lib/push";
import { createRemindersApi } from "@/lib/reminders";
import { createTasksApi, type Task, type TaskQuery } from "@/lib/tasks";
import { useLiveEvents, type LiveEvent } from "@/lib/useLiveEvents";
import ReminderToasts, { notifyDue, type DueReminder } from "./ReminderToast";

/** Whether a task belongs in the list shown for `query` (the server's filters, applied to one task). */
export function matchesQuery(task: Task, query: TaskQuery): boolean {
  if (query.status === "pending" && task.completed) return false;
  if (query.status === "completed" && !task.completed) return false;
  if (query.priority && task.priority !== query.priority) return false;
  if (query.tag && !task.tags.includes(query.tag.replace(/^#/, "").toLowerCase())) return false;
  if (query.due_before && !(task.due_date && task.due_date <= query.due_before)) return false;
  if (query.due_after && !(task.due_date && task.due_date >= query.due_after)) return false;
  if (query.q) {
    const text = `${task.title} ${task.description}`.toLowerCase();
    if (!query.q.toLowerCase().split(/\s+/).filter(Boolean).every((word) => text.includes(word))) return false;
  }
  return true;
}

/** The tasks list after one live event: changed in place, added, or removed (no refetch). */
export function applyLiveEvent(tasks: Task[], event: LiveEvent, query: TaskQuery = {}): Task[] {
  if (event.type === "task.deleted") return tasks.filter((t) => t.id !== event.task.id);
  const task = event.task;
  const present = tasks.some((t) => t.id === task.id);
  if (!matchesQuery(task, query)) return present ? tasks.filter((t) => t.id !== task.id) : tasks;
  if (present) return tasks.map((t) => (t.id === task.id ? task : t));
  return event.type === "task.created" ? [task, ...tasks] : tasks;
}

/** Keeps the task list live from the event stream and shows due reminders (toast + browser notification). */
export default function LiveUpdates({ userId, timezone, query, patchTasks, onDone }: {
  userId: string;
  timezone: string;
  query: TaskQuery;
  patchTasks: (change: (tasks: Task[]) => Task[]) => void;
  onDone: (task: Task) => void;
}) {
  const api = useMemo(() => createRemindersApi(userId), [userId]);
  const [due, setDue] = useState<DueReminder[]>([]);
  const queryRef = useRef(query);
  queryRef.current = query;
  const onEvent = useCallback((event: LiveEvent) => {
    if (event.type === "reminder.due") {
      const item = { reminder: event.reminder, task: event.task };
      setDue((d) => [...d.filter((x) => x.reminder.id !== event.reminder.id), item]);
      notifyDue(item);
      patchTasks((tasks) => applyLiveEvent(tasks, { type: "task.updated", task: event.task }, queryRef.current));
      return;
    }
    patchTasks((tasks) => applyLiveEvent(tasks, event, queryRef.current));
  }, [patchTasks]);
  useLiveEvents(userId, onEvent);
  useReminderActions(userId, patchTasks);
  const close = useCallback((id: number) => setDue((d) => d.filter((x) => x.reminder.id !== id)), []);
  return <ReminderToasts items={due} api={api} timezone={timezone} onDone={onDone} onClose={close} />;
}

/**
 * Web Push on this page: keeps this browser's subscription current when the user already allowed notifications
 * (no question asked here), and performs what a click on a reminder notification asked (Done completes the
 * task, Snooze moves the reminder 10 minutes), sent by the service worker or carried in the URL it opened.
 */
/** The action in the URL the page was loaded with (read at load: the filters soon rewrite the URL), used once. */
let urlAction: ReminderAction | null = typeof window === "undefined" ? null : readUrlAction(window.location.search);

function useReminderActions(userId: string, patchTasks: (change: (tasks: Task[]) => Task[]) => void) {
  const perform = useCallback(async (action: ReminderAction) => {
    try {
      if (action.action === "done" && action.taskId !== null) {
        const task = await createTasksApi(userId).setCompleted(action.taskId, true);
        patchTasks((tasks) => applyLiveEvent(tasks, { type: "task.updated", task }));
      } else if (action.action === "snooze" && action.reminderId !== null) {
        await createRemindersApi(userId).snooze(action.reminderId, 10);
      }
    } catch {
      // the task or reminder is gone, or the network is: the live stream shows the true state
    }
  }, [userId, patchTasks]);

  useEffect(() => {
    if (typeof window === "undefined") return;
    if ("Notification" in window && Notification.permission === "granted") void enablePush(userId).catch(() => undefined);
    const fromUrl = urlAction;
    urlAction = null;
    if (fromUrl) void perform(fromUrl);
    if (!("serviceWorker" in navigator)) return;
    const onMessage = (event: MessageEvent) => {
      const action = readWorkerMessage(event.data);
      if (action) void perform(action);
    };
    navigator.serviceWorker.addEventListener("message", onMessage);
    return () => navigator.serviceWorker.removeEventListener("message", onMessage);
  }, [userId, perform]);
}
