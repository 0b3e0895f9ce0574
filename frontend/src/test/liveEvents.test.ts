import { describe, expect, it } from "vitest";
import { applyLiveEvent } from "@/components/LiveUpdates";
import type { Task } from "@/lib/tasks";

const task = (id: number, title: string): Task => ({
  id, title, description: "", completed: false, completed_at: null, priority: "none", due_date: null, due_time: null,
  tags: [], recurrence: null, created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z", reminders: [],
});

describe("applyLiveEvent", () => {
  const list = [task(1, "one"), task(2, "two")];

  it("adds a created task on top once", () => {
    const added = applyLiveEvent(list, { type: "task.created", task: task(3, "three") });
    expect(added.map((t) => t.id)).toEqual([3, 1, 2]);
    expect(applyLiveEvent(added, { type: "task.created", task: task(3, "three") }).map((t) => t.id)).toEqual([3, 1, 2]);
  });

  it("replaces an updated task in place and ignores one not shown", () => {
    expect(applyLiveEvent(list, { type: "task.updated", task: task(2, "TWO") }).map((t) => t.title)).toEqual(["one", "TWO"]);
    expect(applyLiveEvent(list, { type: "task.updated", task: task(9, "other") })).toBe(list);
  });

  it("keeps the list to the filters shown", () => {
    const done = { ...task(2, "two"), completed: true };
    expect(applyLiveEvent(list, { type: "task.updated", task: done }, { status: "pending" }).map((t) => t.id)).toEqual([1]);
    expect(applyLiveEvent(list, { type: "task.created", task: task(3, "three") }, { priority: "high" })).toBe(list);
    expect(applyLiveEvent(list, { type: "task.created", task: task(4, "buy eggs") }, { q: "EGGS" }).map((t) => t.id)).toEqual([4, 1, 2]);
  });

  it("removes a deleted task", () => {
    expect(applyLiveEvent(list, { type: "task.deleted", task: { id: 1 } }).map((t) => t.id)).toEqual([2]);
  });
});
