/**
 * The task list's filters and sort, and their place in the URL (`/tasks?status=all&tag=home&sort=due`), so a
 * view can be shared and survives a reload. Each sort has a natural direction (due: soonest first, created:
 * newest first, priority: highest first, title: A to Z); the URL carries `order` only when it differs.
 */

import { PRIORITIES, type Priority, type TaskQuery } from "./tasks";

export type DueFilter = "any" | "overdue" | "today" | "week" | "later";
export type StatusFilter = "all" | "pending" | "completed";
export type SortField = NonNullable<TaskQuery["sort"]>;

export interface Filters {
  status: StatusFilter;
  q: string;
  priority: Priority | "";
  tag: string;
  due: DueFilter;
  sort: SortField;
  order: "asc" | "desc";
}

export const NATURAL_ORDER: Record<SortField, "asc" | "desc"> = { created: "desc", due: "asc", priority: "desc", title: "asc" };

export const DEFAULT_FILTERS: Filters = { status: "pending", q: "", priority: "", tag: "", due: "any", sort: "created", order: "desc" };

const STATUSES: StatusFilter[] = ["all", "pending", "completed"];
const DUES: DueFilter[] = ["any", "overdue", "today", "week", "later"];
const SORTS = Object.keys(NATURAL_ORDER) as SortField[];

function pick<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** Filters from a query string; anything unknown falls back to the default. */
export function filtersFromSearch(search: string): Filters {
  const p = new URLSearchParams(search);
  const sort = pick(p.get("sort"), SORTS, DEFAULT_FILTERS.sort);
  return {
    status: pick(p.get("status"), STATUSES, DEFAULT_FILTERS.status),
    q: (p.get("q") ?? "").slice(0, 200),
    priority: pick(p.get("priority"), ["", ...PRIORITIES] as const, ""),
    tag: (p.get("tag") ?? "").replace(/^#+/, "").toLowerCase().slice(0, 50),
    due: pick(p.get("due"), DUES, "any"),
    sort,
    order: pick(p.get("order"), ["asc", "desc"] as const, NATURAL_ORDER[sort]),
  };
}

/** The query string of some filters ("" for the defaults), only what differs from them. */
export function filtersToSearch(f: Filters): string {
  const p = new URLSearchParams();
  if (f.status !== DEFAULT_FILTERS.status) p.set("status", f.status);
  if (f.q.trim()) p.set("q", f.q.trim());
  if (f.priority) p.set("priority", f.priority);
  if (f.tag) p.set("tag", f.tag);
  if (f.due !== "any") p.set("due", f.due);
  if (f.sort !== DEFAULT_FILTERS.sort) p.set("sort", f.sort);
  if (f.order !== NATURAL_ORDER[f.sort]) p.set("order", f.order);
  const text = p.toString();
  return text ? `?${text}` : "";
}

/** Choosing a sort field also picks its natural direction. */
export function withSort(f: Filters, sort: SortField): Filters {
  return { ...f, sort, order: NATURAL_ORDER[sort] };
}
