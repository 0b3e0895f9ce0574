import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { useChatStream } from "@/lib/chat/useChatStream";
import { useThreadList } from "@/lib/chat/useThreadList";
import { ChatKitClient } from "@/lib/chatkitClient";
import { jsonResponse, sse, sseResponse } from "./helpers";

const T = "2026-01-01T10:00:00Z";
type Body = { type: string; params: Record<string, unknown> };
type Handler = (body: Body, init: RequestInit) => Response | Promise<Response>;

function fakeServer(handlers: Record<string, Handler>) {
  const requests: (Body & { key: string | null })[] = [];
  const fetch = vi.fn(async (_url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as Body;
    requests.push({ ...body, key: new Headers(init.headers).get("Idempotency-Key") });
    const handler = handlers[body.type];
    return handler ? handler(body, init) : jsonResponse({ data: [], has_more: false, after: null });
  });
  const client = new ChatKitClient({ url: "/api/u_1/chatkit", fetch, retry: { retries: 1, baseMs: 1, maxMs: 2 }, sleep: async () => undefined });
  return { client, requests };
}

const userItem = (id: string, text: string) => ({ id, thread_id: "thr_1", created_at: T, type: "user_message", content: [{ type: "input_text", text }] });
const answerItem = (id: string, text: string) => ({ id, thread_id: "thr_1", created_at: T, type: "assistant_message", content: [{ type: "output_text", text }] });
const turn = (u: ReturnType<typeof userItem>, a: ReturnType<typeof answerItem>) =>
  sseResponse({ chunks: [sse({ type: "thread.item.done", item: u }), sse({ type: "thread.item.added", item: { ...a, content: [] } }), sse({ type: "thread.item.done", item: a })] });

describe("useChatStream", () => {
  it("after an outage, Retry sends the failed message again with the same key, never an earlier turn", async () => {
    let down = false;
    const stored = [userItem("msg_1", "add buy bread"), answerItem("msg_2", "Added buy bread.")];
    const { client, requests } = fakeServer({
      "items.list": () => jsonResponse({ data: stored.slice().reverse(), has_more: false, after: null }),
      "threads.add_user_message": () => {
        if (down) throw new TypeError("Failed to fetch");
        return turn(userItem("msg_3", "add call the plumber"), answerItem("msg_4", "Added call the plumber."));
      },
    });
    let n = 0;
    const onTasksChanged = vi.fn();
    const { result } = renderHook(() => useChatStream(client, { onTasksChanged, newKey: () => `key-${++n}` }));
    await act(() => result.current.openThread({ id: "thr_1", created_at: T, title: "bread" }));
    down = true;
    act(() => void result.current.send("add call the plumber"));
    await waitFor(() => expect(result.current.view.error?.retryable).toBe(true));
    expect(result.current.view.outbox).toMatchObject({ state: "unsent", key: "key-1" });
    // A new message does not push the unsent one out: it is refused (it stays in the composer).
    let taken = true;
    act(() => {
      taken = result.current.send("something else");
    });
    expect(taken).toBe(false);
    expect(result.current.view.outbox?.text).toBe("add call the plumber");
    down = false;
    await act(() => result.current.retry());
    await waitFor(() => expect(result.current.busy).toBe(false));
    await waitFor(() => expect(result.current.view.outbox).toBeNull());
    const turns = requests.filter((r) => r.type !== "items.list");
    expect(turns.map((r) => [r.type, r.key])).toEqual([
      ["threads.add_user_message", "key-1"], // the attempt and its automatic retry
      ["threads.add_user_message", "key-1"],
      ["threads.add_user_message", "key-1"], // Retry: the same message, the same key
    ]);
    expect(turns.some((r) => r.type === "threads.retry_after_item")).toBe(false);
    expect(result.current.view.items.map((i) => i.id)).toEqual(["msg_1", "msg_2", "msg_3", "msg_4"]);
    expect(onTasksChanged).toHaveBeenCalled();
  });

  it("a stream broken after the server stored the message retries that stored item (retry_after_item)", async () => {
    let first = true;
    const { client, requests } = fakeServer({
      "threads.create": () =>
        sseResponse({
          chunks: [sse({ type: "thread.created", thread: { id: "thr_1", created_at: T, items: { data: [], has_more: false } } }), sse({ type: "thread.item.done", item: userItem("msg_1", "hello") })],
          failWith: new TypeError("network error"),
        }),
      "threads.retry_after_item": () => {
        first = false;
        return sseResponse({ chunks: [sse({ type: "thread.item.added", item: { ...answerItem("msg_2", ""), content: [] } }), sse({ type: "thread.item.done", item: answerItem("msg_2", "Hi!") })] });
      },
    });
    const { result } = renderHook(() => useChatStream(client));
    act(() => void result.current.send("hello"));
    await waitFor(() => expect(result.current.view.error).not.toBeNull());
    expect(result.current.view.error?.message).toMatch(/saved/);
    await act(() => result.current.retry());
    await waitFor(() => expect(first).toBe(false));
    await waitFor(() => expect(result.current.view.outbox).toBeNull());
    expect(requests.find((r) => r.type === "threads.retry_after_item")?.params).toEqual({ thread_id: "thr_1", item_id: "msg_1" });
    expect(requests.filter((r) => r.type === "threads.create")).toHaveLength(1);
  });

  it("a stream broken before naming the message finds it among the newest items instead of sending it twice", async () => {
    const { client, requests } = fakeServer({
      "items.list": (body) =>
        jsonResponse({
          data: body.params.limit === 10 ? [userItem("msg_3", "add call the plumber"), answerItem("msg_2", "Added."), userItem("msg_1", "add buy bread")] : [answerItem("msg_2", "Added."), userItem("msg_1", "add buy bread")],
          has_more: false,
          after: null,
        }),
      "threads.add_user_message": () => sseResponse({ chunks: [": ping\n\n"], failWith: new TypeError("reset") }),
      "threads.retry_after_item": () => turn(userItem("msg_3", "add call the plumber"), answerItem("msg_4", "Added call the plumber.")),
    });
    const { result } = renderHook(() => useChatStream(client));
    await act(() => result.current.openThread({ id: "thr_1", created_at: T }));
    act(() => void result.current.send("add call the plumber"));
    await waitFor(() => expect(result.current.view.error).not.toBeNull());
    await act(() => result.current.retry());
    await waitFor(() => expect(result.current.view.outbox).toBeNull());
    expect(requests.find((r) => r.type === "threads.retry_after_item")?.params).toEqual({ thread_id: "thr_1", item_id: "msg_3" });
    expect(requests.filter((r) => r.type === "threads.add_user_message")).toHaveLength(1);
  });
});

describe("useThreadList", () => {
  it("loads threads most recent first, moves a used thread to the top, renames and deletes", async () => {
    const { client, requests } = fakeServer({
      "threads.list": () =>
        jsonResponse({
          data: [
            { id: "thr_2", title: "recent", created_at: T, metadata: { updated_at: "2026-01-02T10:00:00Z" } },
            { id: "thr_1", title: "older", created_at: T, metadata: { updated_at: "2026-01-01T11:00:00Z" } },
          ],
          has_more: false,
          after: "thr_1",
        }),
      "threads.update": (b) => jsonResponse({ id: b.params.thread_id, title: b.params.title, created_at: T, items: { data: [], has_more: false } }),
      "threads.delete": () => jsonResponse({}),
    });
    const { result } = renderHook(() => useThreadList(client));
    await waitFor(() => expect(result.current.loaded).toBe(true));
    expect(result.current.list.map((t) => t.id)).toEqual(["thr_2", "thr_1"]);
    expect(requests[0].params).toMatchObject({ order: "desc", limit: 20 });
    act(() => result.current.touch(result.current.list[1]));
    expect(result.current.list.map((t) => t.id)).toEqual(["thr_1", "thr_2"]);
    expect(String(result.current.list[0].metadata?.updated_at) > "2026-01-02").toBe(true);
    await act(() => result.current.rename(result.current.list[0], "renamed"));
    expect(result.current.list[0].title).toBe("renamed");
    await act(() => result.current.remove(result.current.list[1]));
    expect(result.current.list.map((t) => t.id)).toEqual(["thr_1"]);
  });
});
