"use client";

import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { auth } from "@/lib/auth";
import { filtersFromSearch, filtersToSearch } from "@/lib/filters";
import { disablePush } from "@/lib/push";
import { addDays, createTasksApi, formatDue, todayIn, type Task, type TaskQuery } from "@/lib/tasks";
import { useFinePointer } from "@/lib/useFinePointer";
import { useSession } from "@/lib/useSession";
import { useTasks } from "@/lib/useTasks";
import LiveUpdates from "./LiveUpdates";
import { useToasts } from "@/lib/useToasts";
import AddTaskForm from "./AddTaskForm";
import { CheckCircleIcon } from "./Icons";
import TaskFilters, { DEFAULT_FILTERS, type Filters } from "./TaskFilters";
import TaskRow from "./TaskRow";
import ToastViewport from "./Toast";

// The assistant costs nothing until the sidebar is first opened.
const ChatAssistant = dynamic(() => import("./ChatAssistant"), {
  ssr: false,
  loading: () => <p className="p-6 text-sm text-slate-500" role="status">Loading the assistant…</p>,
});

function toQuery(f: Filters, today: string): TaskQuery {
  const q: TaskQuery = { status: f.status, q: f.q.trim() || undefined, priority: f.priority || undefined, tag: f.tag || undefined, sort: f.sort, order: f.order };
  if (f.due === "overdue") q.due_before = addDays(today, -1);
  if (f.due === "today") {
    q.due_after = today;
    q.due_before = today;
  }
  if (f.due === "week") {
    q.due_after = today;
    q.due_before = addDays(today, 7);
  }
  if (f.due === "later") q.due_after = addDays(today, 8);
  return q;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) || el.tagName.includes("-");
}

export default function TasksScreen() {
  const router = useRouter();
  const { status, session } = useSession();
  const user = session?.user ?? null;

  useEffect(() => {
    if (status === "unauthenticated") router.replace("/signin");
  }, [status, router]);

  const api = useMemo(() => (user ? createTasksApi(user.id) : null), [user]);
  const [today, setToday] = useState(() => todayIn(user?.timezone ?? "UTC"));
  useEffect(() => {
    if (!user) return;
    const tick = () => setToday(todayIn(user.timezone));
    tick();
    const t = setInterval(tick, 60_000);
    return () => clearInterval(t);
  }, [user]);

  // Filters and sort live in the URL (shareable, kept on reload); the page is client-rendered, so the
  // first render can read it.
  const [filters, setFilters] = useState<Filters>(() => (typeof window === "undefined" ? DEFAULT_FILTERS : filtersFromSearch(window.location.search)));
  useEffect(() => {
    const search = filtersToSearch(filters);
    if (search !== window.location.search && !(search === "" && window.location.search === "?")) {
      window.history.replaceState(window.history.state, "", `${window.location.pathname}${search}${window.location.hash}`);
    }
  }, [filters]);
  const query = useMemo(() => toQuery(filters, today), [filters, today]);
  const toasts = useToasts();
  const { show: showToast } = toasts;
  const showError = useCallback((message: string) => void showToast({ message, tone: "error" }), [showToast]);
  const finePointer = useFinePointer();

  const tasks = useTasks(api, query, showError);
  const { refetch } = tasks;

  const { toggle, undoComplete, remove, restore, clearCompleted } = tasks;
  const onToggle = useCallback(
    async (task: Task) => {
      const after = await toggle(task);
      if (!after) return;
      const undo = { label: "Undo", run: () => undoComplete(task) };
      if (task.recurrence && !task.completed && !after.completed) {
        const next = after.due_date ? formatDue(after, today) : "its next date";
        showToast({ message: `Done for ${task.due_date ? formatDue({ ...task, due_time: null }, today).toLowerCase() : "now"}: “${task.title}” repeats, next on ${next}.`, action: undo });
      } else if (after.completed) {
        showToast({ message: `Completed “${task.title}”.`, action: undo });
      } else {
        showToast({ message: `Reopened “${task.title}”.`, action: undo });
      }
    },
    [toggle, undoComplete, showToast, today],
  );
  const onDelete = useCallback(
    async (task: Task) => {
      if (await remove(task)) showToast({ message: `Deleted “${task.title}”.`, action: { label: "Undo", run: () => restore([task.id]) } });
    },
    [remove, restore, showToast],
  );
  const onClearCompleted = useCallback(async () => {
    const ids = await clearCompleted();
    if (!ids) return;
    if (!ids.length) showToast("No completed tasks to clear.");
    else showToast({ message: `Cleared ${ids.length} completed ${ids.length === 1 ? "task" : "tasks"}.`, action: { label: "Undo", run: () => restore(ids) } });
  }, [clearCompleted, restore, showToast]);

  const [chatOpen, setChatOpen] = useState(false);
  const [chatMounted, setChatMounted] = useState(false);
  const assistantButton = useRef<HTMLButtonElement>(null);
  const newTaskInput = useRef<HTMLInputElement>(null);
  const searchInput = useRef<HTMLInputElement>(null);

  const openChat = useCallback(() => {
    setChatMounted(true);
    setChatOpen(true);
  }, []);
  const closeChat = useCallback(() => {
    setChatOpen(false);
    assistantButton.current?.focus();
  }, []);

  // Keyboard: N new task, / search, A assistant, Esc closes the assistant.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && chatOpen && !e.defaultPrevented) {
        closeChat();
        return;
      }
      if (e.metaKey || e.ctrlKey || e.altKey || isTyping(e.target)) return;
      if (e.key === "n" || e.key === "N") {
        e.preventDefault();
        newTaskInput.current?.focus();
      } else if (e.key === "/") {
        e.preventDefault();
        searchInput.current?.focus();
      } else if (e.key === "a" || e.key === "A") {
        e.preventDefault();
        if (chatOpen) closeChat();
        else openChat();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [chatOpen, openChat, closeChat]);

  const onTasksChanged = useCallback(() => refetch(150), [refetch]);
  const onTag = useCallback((tag: string) => setFilters((f) => ({ ...f, tag })), []);

  if (status !== "authenticated" || !user) {
    return (
      <main className="flex min-h-screen items-center justify-center text-slate-500" aria-busy="true">
        Loading…
      </main>
    );
  }

  const filtered = !!(filters.q || filters.tag || filters.priority || filters.due !== "any");

  return (
    <div className={`min-h-screen transition-[padding] ${chatOpen ? "lg:pr-[440px]" : ""}`}>
      <header className="sticky top-0 z-20 border-b border-slate-200 bg-white/90 backdrop-blur">
        <div className="mx-auto flex max-w-3xl items-center gap-3 px-4 py-3">
          <div aria-hidden className="flex h-8 w-8 items-center justify-center rounded-lg bg-indigo-600 text-white">✓</div>
          <h1 className="text-lg font-semibold">Tasks</h1>
          <span className="hidden truncate text-sm text-slate-500 sm:inline" data-testid="user-email">{user.name || user.email}</span>
          <div className="ml-auto flex items-center gap-2">
            <button
              ref={assistantButton}
              type="button"
              onClick={() => (chatOpen ? closeChat() : openChat())}
              aria-expanded={chatOpen}
              aria-controls="assistant-panel"
              className="inline-flex items-center gap-1.5 rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-indigo-700"
              title={finePointer ? "Assistant (A)" : "Assistant"}
            >
              <span aria-hidden>✦</span> Assistant
            </button>
            <button
              type="button"
              onClick={async () => {
                await disablePush(user.id);
                await auth.signOut();
                router.replace("/signin");
              }}
              className="rounded-md px-3 py-1.5 text-sm text-slate-600 hover:bg-slate-100"
            >
              Sign out
            </button>
          </div>
        </div>
      </header>

      <main className="mx-auto max-w-3xl space-y-4 px-4 py-4">
        <AddTaskForm ref={newTaskInput} onCreate={tasks.create} keyboardHints={finePointer} />
        <TaskFilters ref={searchInput} value={filters} onChange={setFilters} knownTags={tasks.knownTags} />

        <section aria-label="Task list" aria-busy={tasks.loading}>
          {tasks.error && !tasks.tasks.length ? (
            <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800">
              {tasks.error}{" "}
              <button type="button" onClick={() => void tasks.reload()} className="ml-2 font-medium underline">
                Try again
              </button>
            </div>
          ) : tasks.loading && !tasks.loaded ? (
            <ul className="space-y-2" aria-hidden>
              {[0, 1, 2].map((i) => (
                <li key={i} className="h-14 animate-pulse rounded-lg bg-slate-200/60" />
              ))}
            </ul>
          ) : tasks.tasks.length === 0 ? (
            <EmptyState
              filtered={filtered}
              status={filters.status}
              onClear={() => setFilters({ ...DEFAULT_FILTERS })}
              onAsk={openChat}
            />
          ) : (
            <>
              <ul className="space-y-2" data-testid="task-list">
                {tasks.tasks.map((task) => (
                  <TaskRow key={task.id} task={task} today={today} onToggle={onToggle} onUpdate={tasks.update} onDelete={onDelete} onTag={onTag} keyboardHints={finePointer} />
                ))}
              </ul>
              {filters.status !== "pending" && tasks.tasks.some((t) => t.completed) && (
                <div className="mt-3 text-right">
                  <button type="button" onClick={() => void onClearCompleted()} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50">
                    Clear completed
                  </button>
                </div>
              )}
              {tasks.nextCursor && (
                <div className="mt-3 text-center">
                  <button
                    type="button"
                    onClick={() => void tasks.loadMore()}
                    disabled={tasks.loadingMore}
                    className="rounded-md border border-slate-300 bg-white px-4 py-1.5 text-sm hover:bg-slate-50 disabled:opacity-60"
                  >
                    {tasks.loadingMore ? "Loading…" : "Load more"}
                  </button>
                </div>
              )}
            </>
          )}
        </section>
        {finePointer && (
          <p className="hidden text-center text-xs text-slate-600 sm:block" data-testid="shortcuts">
            Shortcuts: <kbd>N</kbd> new task · <kbd>/</kbd> search · <kbd>A</kbd> assistant · <kbd>Esc</kbd> close
          </p>
        )}
      </main>

      {chatMounted && (
        <aside
          id="assistant-panel"
          aria-label="Assistant"
          hidden={!chatOpen}
          className="fixed inset-0 z-30 flex flex-col border-l border-slate-200 bg-white shadow-2xl sm:left-auto sm:w-[440px]"
        >
          <ChatAssistant userId={user.id} open={chatOpen} onClose={closeChat} onTasksChanged={onTasksChanged} />
        </aside>
      )}

      <LiveUpdates userId={user.id} timezone={user.timezone} query={query} patchTasks={tasks.patchTasks} onDone={tasks.toggle} />
      <ToastViewport toasts={toasts.toasts} onDismiss={toasts.dismiss} className={chatOpen ? "hidden sm:flex sm:pr-[440px]" : "flex"} />
    </div>
  );
}

function EmptyState({ filtered, status, onClear, onAsk }: { filtered: boolean; status: Filters["status"]; onClear: () => void; onAsk: () => void }) {
  if (filtered) {
    return (
      <div className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center" data-testid="empty-state">
        <p className="font-medium text-slate-800">No tasks match these filters.</p>
        <button type="button" onClick={onClear} className="mt-3 rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">
          Clear filters
        </button>
      </div>
    );
  }
  return (
    <div className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center" data-testid="empty-state">
      <CheckCircleIcon className="mx-auto h-10 w-10 text-indigo-400" />
      <p className="mt-2 font-medium text-slate-800">{status === "completed" ? "Nothing completed yet." : "You're all caught up."}</p>
      <p className="mt-1 text-sm text-slate-600">Add a task above, or ask the assistant: “remind me to call grandma tomorrow at 7pm”.</p>
      <button type="button" onClick={onAsk} className="mt-4 rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700">
        Ask the assistant
      </button>
    </div>
  );
}
