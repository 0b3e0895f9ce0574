"use client";

import { forwardRef, useState } from "react";
import { ApiError } from "@/lib/http";
import { parseTags, type Priority, type TaskInput } from "@/lib/tasks";
import { PriorityPicker, RecurrencePicker, fieldClass } from "./TaskFields";

interface Props {
  onCreate: (input: TaskInput) => Promise<unknown>;
}

/** "Add a task": a title line (Enter adds), with optional details one click away. */
const AddTaskForm = forwardRef<HTMLInputElement, Props>(function AddTaskForm({ onCreate }, ref) {
  const [title, setTitle] = useState("");
  const [more, setMore] = useState(false);
  const [priority, setPriority] = useState<Priority>("none");
  const [dueDate, setDueDate] = useState("");
  const [dueTime, setDueTime] = useState("");
  const [tags, setTags] = useState("");
  const [recurrence, setRecurrence] = useState<string | null>(null);
  const [description, setDescription] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!title.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      await onCreate({
        title: title.trim(),
        description,
        priority,
        due_date: dueDate || null,
        due_time: dueDate && dueTime ? dueTime : null,
        tags: parseTags(tags),
        recurrence: dueDate ? recurrence : null,
      });
      setTitle("");
      setDescription("");
      setPriority("none");
      setDueDate("");
      setDueTime("");
      setTags("");
      setRecurrence(null);
    } catch (err) {
      const e = err as ApiError;
      const detail = e.fields ? Object.entries(e.fields).map(([k, v]) => `${k.replace("_", " ")} ${v}`).join("; ") : "";
      setError(detail ? `${e.message} (${detail})` : e.message || "Could not add the task.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="rounded-xl border border-slate-200 bg-white p-3 shadow-sm" aria-label="Add a task">
      <div className="flex gap-2">
        <label className="sr-only" htmlFor="new-task-title">New task</label>
        <input
          id="new-task-title"
          ref={ref}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          maxLength={200}
          placeholder="Add a task…  (press N)"
          className="min-w-0 flex-1 rounded-md border border-slate-300 px-3 py-2 text-base focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200"
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              setTitle("");
              (e.target as HTMLInputElement).blur();
            }
          }}
        />
        <button
          type="button"
          onClick={() => setMore((v) => !v)}
          aria-expanded={more}
          aria-controls="new-task-details"
          className="shrink-0 rounded-md border border-slate-300 px-3 py-2 text-sm text-slate-700 hover:bg-slate-50"
          title="Priority, due date, tags"
        >
          <span aria-hidden>⋯</span>
          <span className="sr-only">More options</span>
        </button>
        <button
          type="submit"
          disabled={busy || !title.trim()}
          className="shrink-0 rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
        >
          Add
        </button>
      </div>
      {more && (
        <div id="new-task-details" className="mt-3 grid grid-cols-2 gap-3 lg:grid-cols-4">
          <PriorityPicker value={priority} onChange={setPriority} />
          <label className="text-xs font-medium text-slate-600">
            Due date
            <input type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} className={fieldClass} />
          </label>
          <label className="text-xs font-medium text-slate-600">
            Time
            <input type="time" value={dueTime} disabled={!dueDate} onChange={(e) => setDueTime(e.target.value)} className={fieldClass} />
          </label>
          <RecurrencePicker value={recurrence} disabled={!dueDate} onChange={setRecurrence} />
          <label className="col-span-2 text-xs font-medium text-slate-600">
            Tags
            <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="home, errands" className={fieldClass} />
          </label>
          <label className="col-span-2 text-xs font-medium text-slate-600">
            Notes
            <input value={description} maxLength={2000} onChange={(e) => setDescription(e.target.value)} className={fieldClass} />
          </label>
        </div>
      )}
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {error}
        </p>
      )}
    </form>
  );
});

export default AddTaskForm;
