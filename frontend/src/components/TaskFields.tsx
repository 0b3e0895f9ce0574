"use client";

import { useId } from "react";
import { PRIORITIES, type Priority } from "@/lib/tasks";

export const fieldClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200 disabled:bg-slate-100 disabled:text-slate-400";

export const PRIORITY_LABEL: Record<Priority, string> = { high: "High", medium: "Medium", low: "Low", none: "None" };

export function PriorityPicker({ value, onChange }: { value: Priority; onChange: (p: Priority) => void }) {
  const id = useId();
  return (
    <div className="text-xs font-medium text-slate-600">
      <label htmlFor={id}>Priority</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Priority)} className={fieldClass}>
        {PRIORITIES.map((p) => (
          <option key={p} value={p}>
            {PRIORITY_LABEL[p]}
          </option>
        ))}
      </select>
    </div>
  );
}

const REPEATS: [string, string | null][] = [
  ["Does not repeat", null],
  ["Daily", "FREQ=DAILY"],
  ["Weekly", "FREQ=WEEKLY"],
  ["Monthly", "FREQ=MONTHLY"],
  ["Yearly", "FREQ=YEARLY"],
];

export function RecurrencePicker({ value, onChange, disabled }: { value: string | null; onChange: (v: string | null) => void; disabled?: boolean }) {
  const known = REPEATS.some(([, rule]) => rule === value);
  const id = useId();
  return (
    <div className="text-xs font-medium text-slate-600">
      <label htmlFor={id}>Repeats</label>
      <select
        id={id}
        value={value ?? ""}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value || null)}
        className={fieldClass}
        title={disabled ? "Set a due date first" : undefined}
      >
        {REPEATS.map(([label, rule]) => (
          <option key={label} value={rule ?? ""}>
            {label}
          </option>
        ))}
        {!known && value && <option value={value}>Custom ({value})</option>}
      </select>
    </div>
  );
}

const PRIORITY_STYLE: Record<Priority, string> = {
  high: "bg-red-100 text-red-800 ring-red-200",
  medium: "bg-amber-100 text-amber-900 ring-amber-200",
  low: "bg-sky-100 text-sky-800 ring-sky-200",
  none: "bg-slate-100 text-slate-600 ring-slate-200",
};

export function PriorityBadge({ priority }: { priority: Priority }) {
  if (priority === "none") return null;
  return (
    <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${PRIORITY_STYLE[priority]}`}>
      <span aria-hidden>{priority === "high" ? "▲" : priority === "medium" ? "■" : "▼"}</span>
      {PRIORITY_LABEL[priority]}
      <span className="sr-only"> priority</span>
    </span>
  );
}
