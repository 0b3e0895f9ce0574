"use client";

import { forwardRef, useState } from "react";
import { parseTags, type Priority, type TaskInput } from "@/lib/tasks";
import { checkTask, formMessage, serverFieldErrors, type FieldErrors } from "@/lib/validation";
import { PriorityPicker, RecurrencePicker, fieldClass } from "./TaskFields";

interface Props {
  onCreate: (input: TaskInput) => Promise<unknown>;
  /** Show "(press N)": only where there is a keyboard (not on touch screens). */
  keyboardHints?: boolean;
}

/** "Add a task": a title line (Enter adds), with optional details one click away. */
const AddTaskForm = forwardRef<HTMLInputElement, Props>(function AddTaskForm({ onCreate, keyboardHints = false }, ref) {
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
  const [fields, setFields] = useState<FieldErrors>({});

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!title.trim() || busy) return;
    setError(null);
    const problems = checkTask({ title, description, tags: parseTags(tags), dueDate, dueTime });
    setFields(problems);
    if (Object.keys(problems).length) {
      if (!problems.title) setMore(true);
      return;
    }
    setBusy(true);
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
      setMore(false);
      setTitle("");
      setDescription("");
      setPriority("none");
      setDueDate("");
      setDueTime("");
      setTags("");
      setRecurrence(null);
    } catch (err) {
      const found = serverFieldErrors(err);
      setFields(found);
      if (Object.keys(found).some((k) => k !== "title")) setMore(true);
      setError(formMessage(err, "Could not add the task."));
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
          placeholder={keyboardHints ? "Add a task…  (press N)" : "Add a task…"}
          aria-invalid={!!fields.title}
          aria-describedby={fields.title ? "new-task-title-error" : undefined}
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
          <div>
            <label className="block text-xs font-medium text-slate-600">
              Time
              <input type="time" value={dueTime} disabled={!dueDate} onChange={(e) => setDueTime(e.target.value)} className={fieldClass} aria-describedby={fields.due_time ? "new-task-time-error" : undefined} />
            </label>
            {fields.due_time && <FieldError id="new-task-time-error" text={fields.due_time} />}
          </div>
          <RecurrencePicker value={recurrence} disabled={!dueDate} onChange={setRecurrence} />
          <div className="col-span-2">
            <label className="block text-xs font-medium text-slate-600">
              Tags
              <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="home, errands" className={fieldClass} aria-invalid={!!fields.tags} aria-describedby={fields.tags ? "new-task-tags-error" : undefined} />
            </label>
            {fields.tags && <FieldError id="new-task-tags-error" text={fields.tags} />}
          </div>
          <div className="col-span-2">
            <label className="block text-xs font-medium text-slate-600">
              Notes
              <input value={description} onChange={(e) => setDescription(e.target.value)} className={fieldClass} aria-invalid={!!fields.description} aria-describedby={fields.description ? "new-task-description-error" : undefined} />
            </label>
            {fields.description && <FieldError id="new-task-description-error" text={fields.description} />}
          </div>
        </div>
      )}
      {fields.title && <FieldError id="new-task-title-error" text={fields.title} />}
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {error}
        </p>
      )}
    </form>
  );
});

export default AddTaskForm;

export function FieldError({ id, text }: { id: string; text: string }) {
  return (
    <span id={id} className="mt-1 block text-xs font-normal text-red-700" data-testid="field-error">
      {text}
    </span>
  );
}
