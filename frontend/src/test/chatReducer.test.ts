import { describe, expect, it } from "vitest";
import { chatReducer, emptyThread, isReplyStatus, PENDING_USER_ID, type ThreadView } from "@/lib/chat/reducer";
import type { ThreadItem } from "@/lib/chatkitTypes";

const T = "2026-01-01T10:00:00Z";
const user = (id: string, text: string): ThreadItem => ({ id, thread_id: "thr_1", created_at: T, type: "user_message", content: [{ type: "input_text", text }] });
const answer = (id: string, text: string): ThreadItem => ({ id, thread_id: "thr_1", created_at: T, type: "assistant_message", content: [{ type: "output_text", text }] });

function loaded(items: ThreadItem[]): ThreadView {
  const reset = chatReducer(emptyThread, { type: "reset", thread: { id: "thr_1", created_at: T, title: "bread" } });
  return chatReducer(reset, { type: "loaded", items, hasOlder: false, cursor: null });
}

describe("chat reducer: the outbox", () => {
  it("a message sent shows at once, keeps its key, and learns its server id from the stream", () => {
    let v = loaded([user("msg_1", "add buy bread"), answer("msg_2", "Added buy bread.")]);
    v = chatReducer(v, { type: "sending", text: "add call the plumber", key: "k1" });
    expect(v.items.at(-1)?.id).toBe(PENDING_USER_ID);
    expect(v.outbox).toMatchObject({ text: "add call the plumber", key: "k1", itemId: null, state: "sending", knownIds: ["msg_1", "msg_2"] });
    v = chatReducer(v, { type: "event", event: { type: "thread.item.done", item: user("msg_3", "add call the plumber") } });
    expect(v.outbox?.itemId).toBe("msg_3");
    expect(v.items.map((i) => i.id)).toEqual(["msg_1", "msg_2", "msg_3"]);
    v = chatReducer(v, { type: "finished" });
    expect(v.outbox).toBeNull();
  });

  it("a message that never reached the server stays, marked unsent, with its key", () => {
    let v = loaded([user("msg_1", "add buy bread"), answer("msg_2", "Added buy bread.")]);
    v = chatReducer(v, { type: "sending", text: "add call the plumber", key: "k1" });
    v = chatReducer(v, { type: "failed", message: "Cannot reach the assistant.", retryable: true, reachedServer: false });
    expect(v.outbox).toMatchObject({ state: "unsent", key: "k1", itemId: null });
    expect(v.items.at(-1)).toMatchObject({ id: PENDING_USER_ID, type: "user_message" });
    expect(v.error).toEqual({ message: "Cannot reach the assistant.", retryable: true });
    // Sent again with the same key: still one pending copy.
    v = chatReducer(v, { type: "sending", text: "add call the plumber", key: "k1" });
    expect(v.items.filter((i) => i.id === PENDING_USER_ID)).toHaveLength(1);
    expect(v.error).toBeNull();
    // Only an explicit Discard removes it.
    v = chatReducer(v, { type: "failed", message: "Cannot reach the assistant.", retryable: true, reachedServer: false });
    v = chatReducer(v, { type: "discard" });
    expect(v.items.map((i) => i.id)).toEqual(["msg_1", "msg_2"]);
    expect(v.outbox).toBeNull();
  });

  it("a broken stream after the message was stored is 'failed', not unsent; an error event keeps the outbox", () => {
    let v = loaded([]);
    v = chatReducer(v, { type: "sending", text: "hello", key: "k2" });
    v = chatReducer(v, { type: "event", event: { type: "thread.item.done", item: user("msg_9", "hello") } });
    v = chatReducer(v, { type: "failed", message: "lost", retryable: true, reachedServer: false });
    expect(v.outbox).toMatchObject({ state: "failed", itemId: "msg_9" });
    let w = chatReducer(loaded([]), { type: "sending", text: "hi", key: "k3" });
    w = chatReducer(w, { type: "event", event: { type: "error", code: "stream.error", allow_retry: true } });
    w = chatReducer(w, { type: "finished" });
    expect(w.outbox?.state).toBe("failed");
    expect(w.error?.retryable).toBe(true);
  });

  it("re-sending a stored message does not add a pending copy; truncateAfter drops the old answer", () => {
    let v = loaded([user("msg_1", "a"), answer("msg_2", "partial")]);
    v = chatReducer(v, { type: "truncateAfter", itemId: "msg_1" });
    v = chatReducer(v, { type: "sending", text: "a", key: "k", itemId: "msg_1" });
    expect(v.items.map((i) => i.id)).toEqual(["msg_1"]);
    expect(v.outbox?.itemId).toBe("msg_1");
  });

  it("recognises a failed reply's status item", () => {
    const status: ThreadItem = { id: "msg_2_status", thread_id: "thr_1", created_at: T, type: "task", task: { type: "custom", title: "This answer failed." } };
    expect(isReplyStatus(status)).toBe(true);
    expect(isReplyStatus({ ...status, id: "tmp_task_1" } as ThreadItem)).toBe(false);
    expect(isReplyStatus(answer("msg_2", "x"))).toBe(false);
    const v = loaded([user("msg_1", "a"), answer("msg_2", ""), status]);
    expect(v.items).toHaveLength(3);
  });
});
