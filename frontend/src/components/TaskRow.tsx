"use client";

import { memo, useEffect, useRef, useState } from "react";
import { checkTask, formMessage, serverFieldErrors, type FieldErrors } from "@/lib/validation";
import { describeRecurrence, dueState, formatDue, parseTags, type DueState, type Priority, type Task, type TaskPatch } from "@/lib/tasks";
import { CalendarIcon, RepeatIcon } from "./Icons";
import ReminderPicker from "./ReminderPicker";
import { FieldError } from "./AddTaskForm";
import { PriorityBadge, PriorityPicker, RecurrencePicker, fieldClass } from "./TaskFields";

interface Props {
  task: Task;
  today: string;
  onToggle: (task: Task) => void;
  onUpdate: (id: number, patch: TaskPatch) => Promise<Task>;
  onDelete: (task: Task) => void;
  onTag: (tag: string) => void;
  /** Show keyboard hints ("Esc"): not on touch screens. */
  keyboardHints?: boolean;
}

const DUE_STYLE: Record<DueState, string> = {
  overdue: "bg-red-50 text-red-700 ring-red-200",
  today: "bg-amber-50 text-amber-800 ring-amber-200",
  tomorrow: "bg-indigo-50 text-indigo-700 ring-indigo-200",
  soon: "bg-indigo-50 text-indigo-700 ring-indigo-200",
  later: "bg-slate-50 text-slate-600 ring-slate-200",
  none: "",
};

function TaskRow({ task, today, onToggle, onUpdate, onDelete, onTag, keyboardHints = false }: Props) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);

  useEffect(() => {
    if (wasEditing.current && !editing) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  useEffect(() => {
    if (!confirming) return;
    const t = setTimeout(() => setConfirming(false), 4000);
    return () => clearTimeout(t);
  }, [confirming]);

  if (editing) {
    return (
      <li className="rounded-lg border border-indigo-300 bg-white p-3 shadow-sm" data-testid="task-row" data-task-id={task.id}>
        <TaskEditor task={task} keyboardHints={keyboardHints} onCancel={() => setEditing(false)} onSave={async (patch) => {
          await onUpdate(task.id, patch);
          setEditing(false);
        }} />
      </li>
    );
  }

  const due = dueState(task, today);
  const repeat = describeRecurrence(task.recurrence);
  return (
    <li
      className={`group flex items-start gap-3 rounded-lg border bg-white px-3 py-2.5 shadow-sm transition ${task.completed ? "border-slate-200 opacity-70" : "border-slate-200 hover:border-slate-300"}`}
      data-testid="task-row"
      data-task-id={task.id}
      data-completed={task.completed}
    >
      <input
        type="checkbox"
        checked={task.completed}
        onChange={() => onToggle(task)}
        className="mt-1 h-5 w-5 shrink-0 cursor-pointer rounded border-slate-300 accent-indigo-600"
        aria-label={`${task.completed ? "Reopen" : "Complete"} “${task.title}”`}
      />
      <div className="min-w-0 flex-1">
        <button
          ref={editButton}
          type="button"
          onClick={() => setEditing(true)}
          className={`block max-w-full text-left font-medium break-words ${task.completed ? "text-slate-500 line-through" : "text-slate-900"}`}
          title={keyboardHints ? "Edit (Enter)" : "Edit"}
          aria-label={`Edit “${task.title}”`}
        >
          {task.title}
        </button>
        {task.description && <p className="mt-0.5 line-clamp-2 text-sm break-words text-slate-600">{task.description}</p>}
        <div className="mt-1 flex flex-wrap items-center gap-1.5 text-xs">
          <PriorityBadge priority={task.priority} />
          {task.due_date && (
            <span
              className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 font-medium ring-1 ring-inset ${DUE_STYLE[due]}`}
              title={`Due ${task.due_date}${task.due_time ? ` ${task.due_time}` : ""}`}
              data-testid="task-due"
            >
              <CalendarIcon />
              <span className="sr-only">Due </span>
              {due === "overdue" ? "Overdue · " : ""}
              {formatDue(task, today)}
            </span>
          )}
          {repeat && (
            <span className="inline-flex items-center gap-1 rounded-full bg-violet-50 px-2 py-0.5 font-medium text-violet-700 ring-1 ring-violet-200 ring-inset" title={task.recurrence ?? ""}>
              <RepeatIcon /> {repeat}
            </span>
          )}
          {task.tags.map((tag) => (
            <button
              key={tag}
              type="button"
              onClick={() => onTag(tag)}
              className="rounded-full bg-slate-100 px-2 py-0.5 font-medium text-slate-700 hover:bg-slate-200"
              title={`Show only #${tag}`}
            >
              #{tag}
            </button>
          ))}
        </div>
      </div>
      <button
        type="button"
        onClick={() => (confirming ? onDelete(task) : setConfirming(true))}
        onBlur={() => setConfirming(false)}
        className={`shrink-0 rounded-md px-2 py-1 text-sm ${confirming ? "bg-red-600 text-white" : "text-slate-400 hover:bg-red-50 hover:text-red-700 focus:text-red-700"}`}
        aria-label={confirming ? `Confirm deleting “${task.title}”` : `Delete “${task.title}”`}
      >
        {confirming ? "Delete?" : <span aria-hidden>✕</span>}
      </button>
    </li>
  );
}

function TaskEditor({ task, onSave, onCancel, keyboardHints }: { task: Task; onSave: (patch: TaskPatch) => Promise<void>; onCancel: () => void; keyboardHints: boolean }) {
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description);
  const [priority, setPriority] = useState<Priority>(task.priority);
  const [dueDate, setDueDate] = useState(task.due_date ?? "");
  const [dueTime, setDueTime] = useState(task.due_time ?? "");
  const [tags, setTags] = useState(task.tags.join(", "));
  const [recurrence, setRecurrence] = useState<string | null>(task.recurrence);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<FieldErrors>({});

  async function save(event?: React.FormEvent) {
    event?.preventDefault();
    const problems = checkTask({ title, description, tags: parseTags(tags), dueDate, dueTime });
    setFields(problems);
    setError(null);
    if (Object.keys(problems).length) return;
    const patch: TaskPatch = {};
    if (title.trim() !== task.title) patch.title = title.trim();
    if (description !== task.description) patch.description = description;
    if (priority !== task.priority) patch.priority = priority;
    if ((dueDate || null) !== task.due_date) patch.due_date = dueDate || null;
    const time = dueDate && dueTime ? dueTime : null;
    if (time !== task.due_time) patch.due_time = time;
    const newTags = parseTags(tags);
    if (newTags.join(",") !== task.tags.join(",")) patch.tags = newTags;
    const rule = dueDate ? recurrence : null;
    if (rule !== task.recurrence) patch.recurrence = rule;
    if (Object.keys(patch).length === 0) {
      onCancel();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSave(patch);
    } catch (err) {
      setBusy(false);
      setFields(serverFieldErrors(err));
      setError(formMessage(err, "Could not save."));
    }
  }

  return (
    <form
      onSubmit={save}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onCancel();
        }
      }}
      aria-label={`Edit “${task.title}”`}
    >
      <label className="sr-only" htmlFor={`title-${task.id}`}>Title</label>
      <input
        id={`title-${task.id}`}
        autoFocus
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        aria-invalid={!!fields.title}
        aria-describedby={fields.title ? `title-${task.id}-error` : undefined}
        className="block w-full rounded-md border border-slate-300 px-2 py-1.5 font-medium focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200"
      />
      {fields.title && <FieldError id={`title-${task.id}-error`} text={fields.title} />}
      <label className="mt-2 block text-xs font-medium text-slate-600">
        Notes
        <textarea value={description} rows={2} onChange={(e) => setDescription(e.target.value)} className={fieldClass} aria-invalid={!!fields.description} aria-describedby={fields.description ? `notes-${task.id}-error` : undefined} />
      </label>
      {fields.description && <FieldError id={`notes-${task.id}-error`} text={fields.description} />}
      <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-4">
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
      </div>
      <label className="mt-2 block text-xs font-medium text-slate-600">
        Tags
        <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="home, errands" className={fieldClass} aria-invalid={!!fields.tags} aria-describedby={fields.tags ? `tags-${task.id}-error` : undefined} />
      </label>
      {fields.tags && <FieldError id={`tags-${task.id}-error`} text={fields.tags} />}
      <ReminderPicker task={task} />
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {error}
        </p>
      )}
      <div className="mt-3 flex justify-end gap-2">
        <button type="button" onClick={onCancel} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">
          Cancel {keyboardHints && <span className="text-slate-600">(Esc)</span>}
        </button>
        <button type="submit" disabled={busy} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-60">
          {busy ? "Saving…" : "Save"}
        </button>
      </div>
    </form>
  );
}

export default memo(TaskRow);
