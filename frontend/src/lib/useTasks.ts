"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiError, isAbortError } from "./http";
import type { Task, TaskInput, TaskPatch, TaskQuery, TasksApi } from "./tasks";

export interface TasksState {
  tasks: Task[];
  nextCursor: string | null;
  loading: boolean;
  loadingMore: boolean;
  error: string | null;
  knownTags: string[];
  /** True once the first page for the current query has arrived. */
  loaded: boolean;
}

const PAGE = 50;

/** Which tasks changed here since an answer from the server was asked for. */
export interface LocalChanges {
  /** Changed here (edited, ticked, added, removed) since the answer was asked for, or with a request still open. */
  changed: (id: number) => boolean;
  /** Of those, deleted here. */
  removed: (id: number) => boolean;
  /** Put back changed tasks that the answer lacks; false when the answer is for another query than the list's. */
  putBackMissing: boolean;
}

/**
 * The list an answer from the server should leave on screen: tasks changed here since the answer was asked for
 * keep their local state (or stay deleted), the rest take the server's. Without it, a list load or live event
 * already on its way when the user ticked a box would put the box back until the next refetch.
 */
export function keepLocalChanges(server: Task[], local: Task[], { changed, removed, putBackMissing }: LocalChanges): Task[] {
  const mine = new Map(local.filter((t) => changed(t.id)).map((t) => [t.id, t]));
  if (!mine.size && !server.some((t) => changed(t.id))) return server;
  const kept = server.flatMap((t) => {
    if (!changed(t.id)) return [t];
    const own = mine.get(t.id);
    return own ? [own] : removed(t.id) ? [] : [t];
  });
  // Changed here but missing from the answer (just added, or completed out of the filter): where it was.
  if (!putBackMissing) return kept;
  const shown = new Set(kept.map((t) => t.id));
  local.forEach((t, i) => {
    if (mine.has(t.id) && !shown.has(t.id)) kept.splice(Math.min(i, kept.length), 0, t);
  });
  return kept;
}

/** The task list for a query: loading, paging, mutations (optimistic where safe) and quiet refetches. */
export function useTasks(api: TasksApi | null, query: TaskQuery, onError: (message: string) => void) {
  const [state, setState] = useState<TasksState>({
    tasks: [],
    nextCursor: null,
    loading: true,
    loadingMore: false,
    error: null,
    knownTags: [],
    loaded: false,
  });
  const queryKey = JSON.stringify(query);
  const current = useRef<AbortController | null>(null);
  const countRef = useRef(0);
  countRef.current = state.tasks.length;
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  // Local changes against answers already on their way: a counter bumped at every local change, the counter's
  // value at each task's latest one, and the tasks whose request has not answered yet.
  const changes = useRef(0);
  const changedAt = useRef(new Map<number, number>());
  const pending = useRef(new Map<number, number>());
  const deleted = useRef(new Set<number>());
  const touch = (id: number) => changedAt.current.set(id, ++changes.current);
  const begin = (id: number) => {
    touch(id);
    pending.current.set(id, (pending.current.get(id) ?? 0) + 1);
  };
  const end = (id: number) => {
    touch(id);
    const left = (pending.current.get(id) ?? 1) - 1;
    if (left > 0) pending.current.set(id, left);
    else pending.current.delete(id);
  };
  /** The tasks changed here after counter value `since`, or with a change still on its way. */
  const changesSince = (since: number, putBackMissing: boolean): LocalChanges => {
    const changed = (id: number) => pending.current.has(id) || (changedAt.current.get(id) ?? -1) > since;
    return { changed, removed: (id) => changed(id) && deleted.current.has(id), putBackMissing };
  };

  // Tags seen on tasks just added or changed, until the server's tag list (fetched with every load) follows.
  const remember = (tasks: Task[], known: string[]) => {
    const set = new Set(known);
    for (const t of tasks) for (const tag of t.tags) set.add(tag);
    return set.size === known.length ? known : [...set].sort();
  };
  const sameTags = (a: string[], b: string[]) => a.length === b.length && a.every((t, i) => t === b[i]);

  /** Load the first page(s) again; `quiet` keeps the current list on screen meanwhile. */
  const load = useCallback(
    async (quiet: boolean) => {
      if (!api) return;
      current.current?.abort();
      const controller = new AbortController();
      current.current = controller;
      if (!quiet) setState((s) => ({ ...s, loading: true, error: null }));
      const limit = quiet ? Math.min(100, Math.max(PAGE, countRef.current)) : PAGE;
      const asked = changes.current;
      try {
        // The tag list follows the tasks: the server's list of every tag, fetched beside the page (never
        // holding the list back).
        void api.tags(controller.signal).then(
          (known) => {
            if (!controller.signal.aborted) setState((s) => (sameTags(known, s.knownTags) ? s : { ...s, knownTags: known }));
          },
          () => undefined,
        );
        const page = await api.list({ ...(JSON.parse(queryKey) as TaskQuery), limit }, controller.signal);
        if (controller.signal.aborted) return;
        setState((s) => ({
          ...s,
          tasks: keepLocalChanges(page.tasks, s.tasks, changesSince(asked, quiet)),
          nextCursor: page.next_cursor,
          loading: false,
          loaded: true,
          error: null,
          knownTags: remember(page.tasks, s.knownTags),
        }));
      } catch (err) {
        if (isAbortError(err) || controller.signal.aborted) return;
        const message = err instanceof ApiError ? err.message : "Could not load your tasks.";
        setState((s) => ({ ...s, loading: false, loaded: true, error: quiet && s.loaded ? s.error : message }));
        if (quiet) onErrorRef.current(message);
      }
    },
    [api, queryKey],
  );

  useEffect(() => {
    void load(false);
    return () => current.current?.abort();
  }, [load]);

  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // The latest query's loader: a refetch scheduled before the filters changed must load the new list.
  const loadRef = useRef(load);
  loadRef.current = load;
  /** A quiet refetch, coalesced (the assistant may change several tasks in a row). */
  const refetch = useCallback((delay = 250) => {
    if (refetchTimer.current) clearTimeout(refetchTimer.current);
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null;
      void loadRef.current(true);
    }, delay);
  }, []);
  useEffect(() => () => {
    if (refetchTimer.current) clearTimeout(refetchTimer.current);
  }, []);

  const loadMore = useCallback(async () => {
    if (!api || !state.nextCursor || state.loadingMore) return;
    setState((s) => ({ ...s, loadingMore: true }));
    try {
      const page = await api.list({ ...(JSON.parse(queryKey) as TaskQuery), limit: PAGE, cursor: state.nextCursor });
      setState((s) => {
        const seen = new Set(s.tasks.map((t) => t.id));
        const tasks = [...s.tasks, ...page.tasks.filter((t) => !seen.has(t.id))];
        return { ...s, tasks, nextCursor: page.next_cursor, loadingMore: false, knownTags: remember(page.tasks, s.knownTags) };
      });
    } catch (err) {
      setState((s) => ({ ...s, loadingMore: false }));
      onErrorRef.current(err instanceof ApiError ? err.message : "Could not load more tasks.");
    }
  }, [api, queryKey, state.nextCursor, state.loadingMore]);

  const replace = (task: Task) => {
    touch(task.id);
    setState((s) => ({ ...s, tasks: s.tasks.map((t) => (t.id === task.id ? task : t)), knownTags: remember([task], s.knownTags) }));
  };

  const actions = useMemo(
    () => ({
      async create(input: TaskInput): Promise<Task | null> {
        if (!api) return null;
        try {
          const task = await api.create(input);
          touch(task.id);
          setState((s) => ({ ...s, tasks: [task, ...s.tasks.filter((t) => t.id !== task.id)], knownTags: remember([task], s.knownTags) }));
          refetch(400);
          return task;
        } catch (err) {
          throw err instanceof ApiError ? err : new ApiError(0, "unknown", "Could not add the task.");
        }
      },
      async update(id: number, patch: TaskPatch): Promise<Task> {
        if (!api) throw new ApiError(401, "signed_out", "Please sign in again.");
        const task = await api.update(id, patch);
        replace(task);
        refetch(400);
        return task;
      },
      /** Complete or reopen; the task as the server left it (a recurring one moves to its next date), or null. */
      async toggle(task: Task): Promise<Task | null> {
        if (!api) return null;
        const optimistic = task.recurrence && !task.completed ? task : { ...task, completed: !task.completed };
        begin(task.id);
        replace(optimistic);
        try {
          const after = await api.setCompleted(task.id, !task.completed);
          end(task.id);
          replace(after);
          refetch(600);
          return after;
        } catch (err) {
          end(task.id);
          // Deleted meanwhile (another screen, the assistant): it goes; any other failure puts the box back.
          if (err instanceof ApiError && err.status === 404) setState((s) => ({ ...s, tasks: s.tasks.filter((t) => t.id !== task.id) }));
          else replace(task);
          onErrorRef.current(err instanceof ApiError ? err.message : "Could not update the task.");
          return null;
        }
      },
      /** Put a task back exactly as it was before a complete (open again, or at its earlier date). */
      async undoComplete(before: Task): Promise<void> {
        if (!api) return;
        try {
          if (before.recurrence && !before.completed) replace(await api.update(before.id, { due_date: before.due_date, due_time: before.due_time }));
          else replace(await api.setCompleted(before.id, before.completed));
          refetch(300);
        } catch (err) {
          onErrorRef.current(err instanceof ApiError ? err.message : "Could not undo.");
        }
      },
      /** Delete; true when the task is gone. */
      async remove(task: Task): Promise<boolean> {
        if (!api) return false;
        begin(task.id);
        deleted.current.add(task.id);
        setState((s) => ({ ...s, tasks: s.tasks.filter((t) => t.id !== task.id) }));
        try {
          await api.remove(task.id);
          end(task.id);
          refetch(400);
          return true;
        } catch (err) {
          end(task.id);
          deleted.current.delete(task.id);
          if (err instanceof ApiError && err.status === 404) return false;
          setState((s) => ({ ...s, tasks: [task, ...s.tasks] }));
          onErrorRef.current(err instanceof ApiError ? err.message : "Could not delete the task.");
          return false;
        }
      },
      /** Delete every completed task; their ids (for Undo), or null. */
      async clearCompleted(): Promise<number[] | null> {
        if (!api) return null;
        try {
          const { ids } = await api.clearCompleted();
          for (const id of ids) {
            touch(id);
            deleted.current.add(id);
          }
          setState((s) => ({ ...s, tasks: s.tasks.filter((t) => !ids.includes(t.id)) }));
          refetch(300);
          return ids;
        } catch (err) {
          onErrorRef.current(err instanceof ApiError ? err.message : "Could not clear the completed tasks.");
          return null;
        }
      },
      /** Undo a delete or clear-completed: the same tasks, ids and fields. */
      async restore(ids: number[]): Promise<void> {
        if (!api || !ids.length) return;
        try {
          await api.restore(ids);
          for (const id of ids) deleted.current.delete(id);
          refetch(0);
        } catch (err) {
          onErrorRef.current(err instanceof ApiError ? err.message : "Could not undo.");
        }
      },
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, refetch],
  );

  /** Apply a change computed elsewhere (live events) to the list, without a refetch; a change still on its way wins. */
  const patchTasks = useCallback(
    (change: (tasks: Task[]) => Task[]) =>
      setState((s) => ({ ...s, tasks: keepLocalChanges(change(s.tasks), s.tasks, changesSince(Infinity, true)) })),
    [],
  );

  return { ...state, reload: () => load(false), refetch, loadMore, patchTasks, ...actions };
}
