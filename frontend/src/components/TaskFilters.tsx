"use client";

import { forwardRef, useEffect, useState } from "react";
import { DEFAULT_FILTERS, withSort, type DueFilter, type Filters, type SortField, type StatusFilter } from "@/lib/filters";
import { PRIORITIES, type Priority } from "@/lib/tasks";
import { useFinePointer } from "@/lib/useFinePointer";
import { PRIORITY_LABEL } from "./TaskFields";

export type { DueFilter, Filters, StatusFilter } from "@/lib/filters";
export { DEFAULT_FILTERS } from "@/lib/filters";

export function isFiltered(f: Filters): boolean {
  return !!(f.q || f.priority || f.tag || f.due !== "any" || f.status !== DEFAULT_FILTERS.status);
}

const select =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200";

interface Props {
  value: Filters;
  onChange: (f: Filters) => void;
  knownTags: string[];
}

/** Status tabs, search, and the priority / tag / due / sort pickers. */
const TaskFilters = forwardRef<HTMLInputElement, Props>(function TaskFilters({ value, onChange, knownTags }, searchRef) {
  const [q, setQ] = useState(value.q);
  useEffect(() => setQ(value.q), [value.q]);
  // Search as you type, debounced.
  useEffect(() => {
    if (q === value.q) return;
    const t = setTimeout(() => onChange({ ...value, q }), 250);
    return () => clearTimeout(t);
  }, [q, value, onChange]);

  const finePointer = useFinePointer();
  const set = <K extends keyof Filters>(key: K, v: Filters[K]) => onChange({ ...value, [key]: v });
  const tags = value.tag && !knownTags.includes(value.tag) ? [value.tag, ...knownTags] : knownTags;

  return (
    <section aria-label="Filters" className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <div role="radiogroup" aria-label="Status" className="inline-flex rounded-lg bg-slate-200/70 p-0.5">
          {(["pending", "completed", "all"] as StatusFilter[]).map((s) => (
            <button
              key={s}
              type="button"
              role="radio"
              aria-checked={value.status === s}
              onClick={() => set("status", s)}
              className={`rounded-md px-3 py-1 text-sm font-medium ${value.status === s ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"}`}
            >
              {s === "pending" ? "To do" : s === "completed" ? "Done" : "All"}
            </button>
          ))}
        </div>
        <div className="relative min-w-[10rem] flex-1">
          <label htmlFor="task-search" className="sr-only">Search tasks</label>
          <input
            id="task-search"
            ref={searchRef}
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") onChange({ ...value, q });
              if (e.key === "Escape") {
                setQ("");
                onChange({ ...value, q: "" });
              }
            }}
            placeholder={finePointer ? "Search…  (press /)" : "Search…"}
            maxLength={200}
            className="w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200"
          />
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label className="sr-only" htmlFor="filter-priority">Filter by priority</label>
        <select id="filter-priority" className={select} value={value.priority} onChange={(e) => set("priority", e.target.value as Priority | "")}>
          <option value="">Any priority</option>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {p === "none" ? "No priority" : `${PRIORITY_LABEL[p]} priority`}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor="filter-tag">Filter by tag</label>
        <select id="filter-tag" className={select} value={value.tag} onChange={(e) => set("tag", e.target.value)}>
          <option value="">Any tag</option>
          {tags.map((t) => (
            <option key={t} value={t}>
              #{t}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor="filter-due">Filter by due date</label>
        <select id="filter-due" className={select} value={value.due} onChange={(e) => set("due", e.target.value as DueFilter)}>
          <option value="any">Any due date</option>
          <option value="overdue">Overdue</option>
          <option value="today">Due today</option>
          <option value="week">Next 7 days</option>
          <option value="later">Later</option>
        </select>
        <span className="ml-auto inline-flex items-center gap-1">
          <label className="text-slate-600" htmlFor="sort">Sort</label>
          <select id="sort" className={select} value={value.sort} onChange={(e) => onChange(withSort(value, e.target.value as SortField))}>
            <option value="created">Created</option>
            <option value="due">Due date</option>
            <option value="priority">Priority</option>
            <option value="title">Title</option>
          </select>
          <button
            type="button"
            onClick={() => set("order", value.order === "asc" ? "desc" : "asc")}
            className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm hover:bg-slate-50"
            aria-label={value.order === "asc" ? "Ascending; switch to descending" : "Descending; switch to ascending"}
            title={value.order === "asc" ? "Ascending" : "Descending"}
          >
            {value.order === "asc" ? "↑" : "↓"}
          </button>
        </span>
      </div>
    </section>
  );
});

export default TaskFilters;
