"use client";

import { useMemo, useState } from "react";
import { ApiError } from "@/lib/http";
import { enablePush } from "@/lib/push";
import { askNotificationPermission, createRemindersApi, formatInstant, type NewReminder } from "@/lib/reminders";
import { useSession } from "@/lib/useSession";
import type { Task } from "@/lib/tasks";
import { fieldClass } from "./TaskFields";

const BEFORE: [string, number][] = [["At the due time", 0], ["10 minutes before", 10], ["30 minutes before", 30], ["1 hour before", 60], ["1 day before", 1440]];

/** A task's reminders: the list (with remove) and a picker for a new one, relative to the due time or at a date and time. */
export default function ReminderPicker({ task }: { task: Task }) {
  const { session } = useSession();
  const userId = session?.user.id ?? null;
  const timezone = session?.user.timezone ?? "UTC";
  const api = useMemo(() => (userId ? createRemindersApi(userId) : null), [userId]);
  const [mode, setMode] = useState<"before" | "at">(task.due_time ? "before" : "at");
  const [before, setBefore] = useState(10);
  const [at, setAt] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reminders = task.reminders ?? [];

  async function add() {
    if (!api) return;
    const body: NewReminder = mode === "before" ? { before_minutes: before } : { remind_at: at };
    if (mode === "at" && !at) {
      setError("Pick a date and time.");
      return;
    }
    setBusy(true);
    setError(null);
    // The moment to ask: the user just asked to be reminded. Once allowed, this browser subscribes to Web Push.
    void askNotificationPermission().then((permission) => {
      if (permission === "granted" && userId) void enablePush(userId).catch(() => undefined);
    });
    try {
      await api.add(task.id, body);
      setAt("");
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not add the reminder.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <fieldset className="mt-2 rounded-md border border-slate-200 p-2 text-xs text-slate-600" data-testid="reminder-picker">
      <legend className="px-1 font-medium">Reminders</legend>
      <ul className="mb-2 flex flex-wrap gap-1">
        {reminders.map((r) => (
          <li key={r.id} className="inline-flex items-center gap-1 rounded-full bg-slate-100 px-2 py-0.5">
            {formatInstant(r.remind_at, timezone)}{r.status === "fired" ? " (sent)" : ""}
            <button type="button" aria-label="Remove reminder" onClick={() => void api?.remove(r.id)} className="text-slate-500 hover:text-red-600">×</button>
          </li>
        ))}
        {reminders.length === 0 && <li>None yet.</li>}
      </ul>
      <div className="flex flex-wrap items-end gap-2">
        <label>
          Remind me
          <select value={mode} onChange={(e) => setMode(e.target.value as "before" | "at")} className={fieldClass}>
            <option value="before" disabled={!task.due_time}>before it is due</option>
            <option value="at">at a date and time</option>
          </select>
        </label>
        {mode === "before" ? (
          <label>
            When
            <select value={before} onChange={(e) => setBefore(Number(e.target.value))} className={fieldClass}>
              {BEFORE.map(([label, minutes]) => <option key={minutes} value={minutes}>{label}</option>)}
            </select>
          </label>
        ) : (
          <label>
            At
            <input type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} className={fieldClass} />
          </label>
        )}
        <button type="button" disabled={busy} onClick={() => void add()} className="rounded-md border border-indigo-300 px-2 py-1.5 text-indigo-700 hover:bg-indigo-50">
          Add reminder
        </button>
      </div>
      {error && <p role="alert" className="mt-1 text-red-700">{error}</p>}
    </fieldset>
  );
}
