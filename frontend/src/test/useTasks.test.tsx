import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "@/lib/http";
import type { Task, TaskPage, TasksApi } from "@/lib/tasks";
import { keepLocalChanges, useTasks } from "@/lib/useTasks";

const task = (id: number, title: string, completed = false): Task => ({
  id, title, description: "", completed, completed_at: completed ? "2026-01-01T01:00:00Z" : null, priority: "none",
  due_date: null, due_time: null, tags: [], recurrence: null, created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z", reminders: [],
});

/** A promise the test settles by hand: an answer from the server that arrives when the test says. */
function later<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A fake `list` whose answers wait until the test settles them, in the order asked (`loads`). */
function heldLists() {
  const loads: ReturnType<typeof later<TaskPage>>[] = [];
  const list = vi.fn(() => {
    const next = later<TaskPage>();
    loads.push(next);
    return next.promise;
  });
  return { loads, list };
}

describe("keepLocalChanges", () => {
  const local = [task(1, "one", true), task(2, "two"), task(3, "three")];
  const only = (ids: number[], removed: number[] = [], putBackMissing = true) => ({
    changed: (id: number) => ids.includes(id),
    removed: (id: number) => removed.includes(id),
    putBackMissing,
  });

  it("takes the server's list when nothing changed here", () => {
    const server = [task(1, "one"), task(2, "TWO")];
    expect(keepLocalChanges(server, local, only([]))).toBe(server);
  });

  it("keeps a task changed here in place, keeps one deleted here out, and puts back one the answer lacks", () => {
    const server = [task(2, "two"), task(1, "one"), task(4, "four")];
    expect(keepLocalChanges(server, local, only([1])).map((t) => [t.id, t.completed])).toEqual([[2, false], [1, true], [4, false]]);
    expect(keepLocalChanges(server, local, only([4], [4])).map((t) => t.id)).toEqual([2, 1]);
    expect(keepLocalChanges([task(2, "two")], local, only([1])).map((t) => t.id)).toEqual([1, 2]);
  });

  it("takes the server's row of a task changed here but not on screen, and puts nothing back for another query", () => {
    const server = [task(4, "four"), task(2, "two")];
    expect(keepLocalChanges(server, local, only([4])).map((t) => t.id)).toEqual([4, 2]);
    expect(keepLocalChanges(server, local, only([1], [], false)).map((t) => t.id)).toEqual([4, 2]);
  });
});

describe("useTasks", () => {
  it("a list load that was on its way when the box was ticked does not untick it", async () => {
    const { loads, list } = heldLists();
    const done = later<Task>();
    const api = {
      list,
      tags: vi.fn(async () => []),
      setCompleted: vi.fn(() => done.promise),
    } as unknown as TasksApi;
    const { result } = renderHook(() => useTasks(api, { status: "all" }, () => undefined));
    await act(async () => loads[0].resolve({ tasks: [task(1, "Buy stamps"), task(2, "Post the letter")], next_cursor: null }));
    expect(result.current.tasks.map((t) => t.completed)).toEqual([false, false]);

    // A quiet refresh starts, then the user ticks "Buy stamps" before it answers (with the old state).
    act(() => void result.current.reload());
    let toggled!: Promise<Task | null>;
    act(() => void (toggled = result.current.toggle(result.current.tasks[0])));
    expect(result.current.tasks[0].completed).toBe(true);
    await act(async () => loads[1].resolve({ tasks: [task(1, "Buy stamps"), task(2, "Post the letter", true)], next_cursor: null }));
    expect(result.current.tasks.map((t) => t.completed)).toEqual([true, true]);

    // The server's answer to the tick is what stays; a load asked for after it shows the server's list again.
    await act(async () => {
      done.resolve(task(1, "Buy stamps", true));
      await toggled;
    });
    act(() => void result.current.reload());
    await act(async () => loads[loads.length - 1].resolve({ tasks: [task(2, "Post the letter", true)], next_cursor: null }));
    await waitFor(() => expect(result.current.tasks.map((t) => t.id)).toEqual([2]));
  });

  it("a live event older than a change still on its way does not undo it, and applies once it answered", async () => {
    const done = later<Task>();
    const api = {
      list: vi.fn(async () => ({ tasks: [task(1, "Buy stamps")], next_cursor: null })),
      tags: vi.fn(async () => []),
      setCompleted: vi.fn(() => done.promise),
    } as unknown as TasksApi;
    const { result } = renderHook(() => useTasks(api, {}, () => undefined));
    await waitFor(() => expect(result.current.tasks).toHaveLength(1));
    let toggled!: Promise<Task | null>;
    act(() => void (toggled = result.current.toggle(result.current.tasks[0])));
    const stale = (tasks: Task[]) => tasks.map((t) => ({ ...t, completed: false, title: "Buy stamps (old)" }));
    act(() => result.current.patchTasks(stale));
    expect(result.current.tasks.map((t) => [t.title, t.completed])).toEqual([["Buy stamps", true]]);
    await act(async () => {
      done.resolve(task(1, "Buy stamps", true));
      await toggled;
    });
    act(() => result.current.patchTasks((tasks) => tasks.map((t) => ({ ...t, title: "Buy 10 stamps" }))));
    expect(result.current.tasks.map((t) => [t.title, t.completed])).toEqual([["Buy 10 stamps", true]]);
  });

  it("a task deleted here stays gone when an older load answers; a tick on a task deleted elsewhere removes it", async () => {
    const { loads, list } = heldLists();
    const api = {
      list,
      tags: vi.fn(async () => []),
      remove: vi.fn(async () => undefined),
      setCompleted: vi.fn(async () => {
        throw new ApiError(404, "task_not_found", "No task 2.");
      }),
    } as unknown as TasksApi;
    const errors: string[] = [];
    const { result } = renderHook(() => useTasks(api, {}, (m) => errors.push(m)));
    await act(async () => loads[0].resolve({ tasks: [task(1, "Buy stamps"), task(2, "Post the letter")], next_cursor: null }));
    act(() => void result.current.reload());
    await act(async () => void (await result.current.remove(result.current.tasks[0])));
    await act(async () => loads[1].resolve({ tasks: [task(1, "Buy stamps"), task(2, "Post the letter")], next_cursor: null }));
    expect(result.current.tasks.map((t) => t.id)).toEqual([2]);
    await act(async () => void (await result.current.toggle(result.current.tasks[0])));
    expect(result.current.tasks).toEqual([]);
    expect(errors).toEqual(["No task 2."]);
  });
});
