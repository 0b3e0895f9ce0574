import { describe, expect, it, vi } from "vitest";
import { ChatKitClient, StreamInterruptedError } from "@/lib/chatkitClient";
import type { ThreadStreamEvent } from "@/lib/chatkitTypes";
import { applyEvent, emptyThread } from "@/lib/chat/reducer";
import { isClientEffect } from "@/lib/chat/shared";
import { ApiError } from "@/lib/http";
import { jsonResponse, sse, sseResponse } from "./helpers";

const created = { type: "thread.created", thread: { id: "thr_1", created_at: "2026-01-01T00:00:00", items: { data: [], has_more: false } } };
const userDone = { type: "thread.item.done", item: { id: "msg_1", thread_id: "thr_1", created_at: "x", type: "user_message", content: [{ type: "input_text", text: "add buy milk tomorrow" }] } };
const progress = { type: "progress_update", icon: "plus", text: "Adding 'buy milk'…" };
const added = { type: "thread.item.added", item: { id: "msg_2", thread_id: "thr_1", created_at: "x", type: "assistant_message", content: [] } };
const part = { type: "thread.item.updated", item_id: "msg_2", update: { type: "assistant_message.content_part.added", content_index: 0, content: { type: "output_text", text: "", annotations: [] } } };
const delta = (d: string) => ({ type: "thread.item.updated", item_id: "msg_2", update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta: d } });
const done = { type: "thread.item.done", item: { id: "msg_2", thread_id: "thr_1", created_at: "x", type: "assistant_message", content: [{ type: "output_text", text: "Added 'buy milk' for tomorrow.", annotations: [] }] } };

function client(fetch: (url: string, init: RequestInit) => Promise<Response>, extra: Partial<ConstructorParameters<typeof ChatKitClient>[0]> = {}) {
  return new ChatKitClient({ url: "/api/u_1/chatkit", fetch, retry: { retries: 3, baseMs: 100, maxMs: 1000 }, sleep: async () => undefined, random: () => 1, ...extra });
}

const request = { type: "threads.create" as const, params: { input: { content: [{ type: "input_text" as const, text: "add buy milk tomorrow" }], attachments: [], inference_options: {} } } };

describe("ChatKit protocol client: streams", () => {
  it("streams ThreadStreamEvents: text deltas, progress and pings split across chunks", async () => {
    const whole = [": ping\n\n", sse(created), sse(userDone), sse(progress), ": ping\n\n", sse(added), sse(part), sse(delta("Added ")), sse(delta("'buy milk' ")), sse(delta("for tomorrow.")), sse(done)].join("");
    // Cut the stream into awkward 7-byte chunks so events, pings and JSON are split anywhere.
    const chunks: string[] = [];
    for (let i = 0; i < whole.length; i += 7) chunks.push(whole.slice(i, i + 7));
    const fetch = vi.fn(async () => sseResponse({ chunks }));
    const events: ThreadStreamEvent[] = [];
    const result = await client(fetch).stream(request, { onEvent: (e) => events.push(e) });
    expect(result.events).toBe(9);
    expect(events.map((e) => e.type)).toEqual([
      "thread.created", "thread.item.done", "progress_update", "thread.item.added", "thread.item.updated",
      "thread.item.updated", "thread.item.updated", "thread.item.updated", "thread.item.done",
    ]);
    const body = JSON.parse(String((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].body));
    expect(body.type).toBe("threads.create");
    expect(new Headers((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].headers).get("Accept")).toBe("text/event-stream");

    // Folding the events gives the thread as the user sees it.
    let view = emptyThread;
    const seen: string[] = [];
    for (const e of events) {
      view = applyEvent(view, e);
      const a = view.items.find((i) => i.id === "msg_2");
      if (a && a.type === "assistant_message" && a.content[0]) seen.push(a.content[0].text);
      if (e.type === "progress_update") expect(view.progress?.text).toBe("Adding 'buy milk'…");
    }
    expect(seen).toContain("Added 'buy milk' ");
    expect(view.thread?.id).toBe("thr_1");
    expect(view.items.map((i) => i.type)).toEqual(["user_message", "assistant_message"]);
    expect(view.streamingItemId).toBeNull();
    expect(view.progress).toBeNull();
    expect(events.filter(isClientEffect)).toHaveLength(0); // no client effect: the list refreshes when the reply ends
  });

  it("an error event is reported in the view with its retry flag", () => {
    const view = applyEvent(emptyThread, { type: "error", code: "stream.error", allow_retry: true });
    expect(view.error).toEqual({ message: expect.stringMatching(/could not answer/), retryable: true });
    const custom = applyEvent(emptyThread, { type: "error", code: "custom", message: "That took too many steps.", allow_retry: false });
    expect(custom.error).toEqual({ message: "That took too many steps.", retryable: false });
  });

  it("retries with backoff when the server is unreachable or unavailable, then streams", async () => {
    const sleep = vi.fn(async () => undefined);
    const onRetry = vi.fn();
    let n = 0;
    const fetch = vi.fn(async () => {
      n++;
      if (n === 1) throw new TypeError("Failed to fetch");
      if (n === 2) return jsonResponse({ error: { code: "unavailable", message: "down" } }, 503);
      return sseResponse({ chunks: [sse(created)] });
    });
    const events: ThreadStreamEvent[] = [];
    await client(fetch, { sleep }).stream(request, { onEvent: (e) => events.push(e), onRetry });
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(sleep.mock.calls.map((c) => (c as unknown as number[])[0])).toEqual([100, 200]);
    expect(onRetry).toHaveBeenCalledTimes(2);
    expect(events).toHaveLength(1);
  });

  it("gives up after the retries with the last error", async () => {
    const fetch = vi.fn(async () => jsonResponse({ error: { code: "unavailable", message: "The service is down." } }, 503));
    await expect(client(fetch).stream(request, { onEvent: () => undefined })).rejects.toMatchObject({ status: 503, message: "The service is down." });
    expect(fetch).toHaveBeenCalledTimes(4);
  });

  it("does not retry a refused request (4xx)", async () => {
    const fetch = vi.fn(async () => jsonResponse({ error: { code: "thread_not_found", message: "No thread." } }, 404));
    await expect(client(fetch).stream(request, { onEvent: () => undefined })).rejects.toBeInstanceOf(ApiError);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("a connection lost mid-stream is not retried (the message is stored): StreamInterruptedError", async () => {
    const fetch = vi.fn(async () => sseResponse({ chunks: [sse(created), sse(userDone), sse(added), sse(delta("Add"))], failWith: new TypeError("network error") }));
    const events: ThreadStreamEvent[] = [];
    await expect(client(fetch).stream(request, { onEvent: (e) => events.push(e) })).rejects.toBeInstanceOf(StreamInterruptedError);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(events).toHaveLength(4);
  });

  it("stop: aborting the signal ends the stream with an AbortError", async () => {
    const controller = new AbortController();
    const fetch = vi.fn(async (_url: string, init: RequestInit) => sseResponse({ chunks: [sse(created), sse(added)], hang: true }, init.signal ?? undefined));
    const events: ThreadStreamEvent[] = [];
    const done = client(fetch).stream(request, { onEvent: (e) => {
      events.push(e);
      if (e.type === "thread.item.added") controller.abort();
    } }, controller.signal);
    await expect(done).rejects.toMatchObject({ name: "AbortError" });
    expect((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].signal).toBe(controller.signal);
    expect(events).toHaveLength(2);
  });

  it("ignores an event that is not JSON", async () => {
    const fetch = vi.fn(async () => sseResponse({ chunks: ["data: not json\n\n", sse(created)] }));
    const events: ThreadStreamEvent[] = [];
    await client(fetch).stream(request, { onEvent: (e) => events.push(e) });
    expect(events.map((e) => e.type)).toEqual(["thread.created"]);
  });
});

describe("ChatKit protocol client: JSON requests", () => {
  it("lists items with after/limit and retries transient failures", async () => {
    let n = 0;
    const fetch = vi.fn(async () => (n++ === 0 ? jsonResponse({ error: { code: "unavailable", message: "x" } }, 503) : jsonResponse({ data: [], has_more: false, after: null })));
    const page = await client(fetch).listItems({ thread_id: "thr_1", after: "msg_40", limit: 40 });
    expect(page.has_more).toBe(false);
    const body = JSON.parse(String((fetch.mock.calls[1] as unknown as [string, RequestInit])[1].body));
    expect(body).toEqual({ type: "items.list", params: { limit: 40, order: "desc", thread_id: "thr_1", after: "msg_40" }, metadata: {} });
  });

  it("sends feedback and thread edits in the protocol's shape", async () => {
    const fetch = vi.fn(async () => jsonResponse({}));
    const c = client(fetch);
    await c.feedback("thr_1", ["msg_2"], "positive");
    await c.updateThread("thr_1", "Groceries");
    await c.deleteThread("thr_1");
    const bodies = fetch.mock.calls.map((call) => JSON.parse(String((call as unknown as [string, RequestInit])[1].body)));
    expect(bodies.map((b) => b.type)).toEqual(["items.feedback", "threads.update", "threads.delete"]);
    expect(bodies[0].params).toEqual({ thread_id: "thr_1", item_ids: ["msg_2"], kind: "positive" });
  });
});
