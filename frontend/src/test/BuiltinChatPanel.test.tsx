import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import BuiltinChatPanel from "@/components/BuiltinChatPanel";
import { ChatKitClient } from "@/lib/chatkitClient";
import { jsonResponse, sse, sseResponse, type ChunkPlan } from "./helpers";

afterEach(cleanup);

const T = "2026-01-01T10:00:00Z";
const created = { type: "thread.created", thread: { id: "thr_1", created_at: T, items: { data: [], has_more: false } } };
const userDone = (text: string) => ({ type: "thread.item.done", item: { id: "msg_1", thread_id: "thr_1", created_at: T, type: "user_message", content: [{ type: "input_text", text }] } });
const added = { type: "thread.item.added", item: { id: "msg_2", thread_id: "thr_1", created_at: T, type: "assistant_message", content: [] } };
const delta = (d: string) => ({ type: "thread.item.updated", item_id: "msg_2", update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta: d } });
const done = (text: string) => ({ type: "thread.item.done", item: { id: "msg_2", thread_id: "thr_1", created_at: T, type: "assistant_message", content: [{ type: "output_text", text }] } });

type Handler = (body: { type: string; params: Record<string, unknown> }, init: RequestInit) => Response | Promise<Response>;

function setup(handlers: Record<string, Handler>) {
  const requests: { type: string; params: Record<string, unknown> }[] = [];
  const fetch = vi.fn(async (_url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body));
    requests.push(body);
    const handler = handlers[body.type];
    if (!handler) return jsonResponse({ data: [], has_more: false, after: null });
    return handler(body, init);
  });
  const client = new ChatKitClient({ url: "/api/u_1/chatkit", fetch, retry: { retries: 2, baseMs: 1, maxMs: 2 }, sleep: async () => undefined });
  const onTasksChanged = vi.fn();
  render(<BuiltinChatPanel userId="u_1" client={client} onTasksChanged={onTasksChanged} />);
  return { fetch, requests, onTasksChanged };
}

function sendMessage(text: string) {
  const box = screen.getByLabelText("Message the assistant");
  fireEvent.change(box, { target: { value: text } });
  fireEvent.keyDown(box, { key: "Enter" });
}

describe("BuiltinChatPanel", () => {
  it("sends a message, streams the answer with tool progress, and refreshes the tasks", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { requests, onTasksChanged } = setup({
      "threads.create": async (_b, init) => {
        const encoder = new TextEncoder();
        const parts = [sse(created), sse(userDone("add buy milk tomorrow")), sse({ type: "progress_update", icon: "plus", text: "Adding 'buy milk'…" })];
        const rest = [sse(added), sse(delta("Added **buy")), ": ping\n\n", sse(delta(" milk** for tomorrow.")), sse(done("Added **buy milk** for tomorrow."))];
        let i = 0;
        const body = new ReadableStream<Uint8Array>({
          async pull(c) {
            if (i === parts.length) await gate;
            const all = [...parts, ...rest];
            if (i < all.length) c.enqueue(encoder.encode(all[i++]));
            else c.close();
          },
        });
        void init;
        return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
      },
    });
    sendMessage("add buy milk tomorrow");
    expect(await screen.findByText("add buy milk tomorrow")).toBeTruthy();
    expect(await screen.findByText("Adding 'buy milk'…")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Stop the answer" })).toBeTruthy();
    await act(async () => release());
    await waitFor(() => expect(screen.getByText("buy milk").tagName).toBe("STRONG"));
    expect(screen.queryByText("Adding 'buy milk'…")).toBeNull();
    expect(screen.getByRole("button", { name: "Send" })).toBeTruthy();
    expect(requests.find((r) => r.type === "threads.create")?.params).toEqual({
      input: { content: [{ type: "input_text", text: "add buy milk tomorrow" }], attachments: [], inference_options: {} },
    });
    expect(onTasksChanged).toHaveBeenCalled();
    expect(screen.getByTestId("chat-title").textContent).toBe("Untitled conversation");
  });

  it("shows a which-one question's options as buttons; choosing one sends its number like the composer", async () => {
    const question = "Which one do you mean:\n1. 'buy bread' (due tomorrow)\n2. 'buy bread' (due Fri, Dec 4)\nSeveral tasks match, so tell me which one.";
    const keys: (string | null)[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { requests } = setup({
      "threads.create": (_b, init) => {
        keys.push(new Headers(init.headers).get("Idempotency-Key"));
        return sseResponse({ chunks: [sse(created), sse(userDone("complete buy bread")), sse(added), sse(done(question))] });
      },
      "threads.add_user_message": async (_b, init) => {
        keys.push(new Headers(init.headers).get("Idempotency-Key"));
        await gate;
        const answer = { ...done("Marked 'buy bread' as done."), item: { ...done("").item, id: "msg_4", content: [{ type: "output_text", text: "Marked 'buy bread' as done." }] } };
        return sseResponse({ chunks: [sse({ type: "thread.item.done", item: { id: "msg_3", thread_id: "thr_1", created_at: T, type: "user_message", content: [{ type: "input_text", text: "2" }] } }), sse(answer)] });
      },
    });
    sendMessage("complete buy bread");
    const second = await screen.findByRole("button", { name: "'buy bread' (due Fri, Dec 4)" });
    expect(screen.getByRole("button", { name: "'buy bread' (due tomorrow)" })).toBeTruthy();
    expect(screen.getByRole("group", { name: "Choose one" })).toBeTruthy();
    await waitFor(() => expect((second as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(second);
    // The answer goes out as a normal user message, with its own Idempotency-Key; the options go away at once.
    await waitFor(() => expect(requests.some((r) => r.type === "threads.add_user_message")).toBe(true));
    expect(requests.find((r) => r.type === "threads.add_user_message")?.params).toEqual({
      thread_id: "thr_1",
      input: { content: [{ type: "input_text", text: "2" }], attachments: [], inference_options: {} },
    });
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBeTruthy();
    expect(keys[1]).not.toBe(keys[0]);
    expect(screen.queryByRole("group", { name: "Choose one" })).toBeNull();
    await act(async () => release());
    await waitFor(() => expect(screen.getAllByTestId("msg-assistant")).toHaveLength(2));
    expect(screen.getAllByTestId("msg-assistant")[1].textContent).toContain("Marked 'buy bread' as done.");
    // The older question keeps its text but offers no buttons any more.
    expect(screen.queryByRole("button", { name: "'buy bread' (due tomorrow)" })).toBeNull();
  });

  it("offers no buttons for an answer that only lists tasks", async () => {
    setup({
      "threads.create": () => sseResponse({ chunks: [sse(created), sse(userDone("show my tasks")), sse(added), sse(done("You have 2 tasks:\n1. buy bread\n2. call mom"))] }),
    });
    sendMessage("show my tasks");
    await screen.findByText("call mom");
    expect(screen.queryByRole("group", { name: "Choose one" })).toBeNull();
    expect(screen.queryByRole("button", { name: "buy bread" })).toBeNull();
  });

  it("shows a lost connection at once with a retry button; retry re-runs from the stored message", async () => {
    const plans: ChunkPlan[] = [
      { chunks: [sse(created), sse(userDone("hello")), sse(added), sse(delta("Hel"))], failWith: new TypeError("network error") },
      { chunks: [sse(added), sse(delta("Hello again!")), sse(done("Hello again!"))] },
    ];
    let n = 0;
    const { requests } = setup({
      "threads.create": () => sseResponse(plans[n++]),
      "threads.retry_after_item": () => sseResponse(plans[n++]),
    });
    const t0 = Date.now();
    sendMessage("hello");
    const alert = await screen.findByTestId("chat-error");
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(alert.textContent).toMatch(/connection to the assistant was lost/i);
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("Hello again!", { selector: "p" })).toBeTruthy(); // the message, not its live-region echo
    const retry = requests.find((r) => r.type === "threads.retry_after_item");
    expect(retry?.params).toEqual({ thread_id: "thr_1", item_id: "msg_1" });
    expect(requests.filter((r) => r.type === "threads.create")).toHaveLength(1); // the message is not sent twice
    expect(screen.queryByTestId("chat-error")).toBeNull();
  });

  it("shows the server's error event with a retry button", async () => {
    setup({
      "threads.create": () => sseResponse({ chunks: [sse(created), sse(userDone("hi")), sse({ type: "error", code: "stream.error", allow_retry: true })] }),
    });
    sendMessage("hi");
    const alert = await screen.findByTestId("chat-error");
    expect(alert.textContent).toMatch(/could not answer/i);
    expect(screen.getByRole("button", { name: "Retry" })).toBeTruthy();
  });

  it("retries an unreachable server with backoff, then shows the error with a retry button", async () => {
    const { fetch } = setup({
      "threads.create": () => {
        throw new TypeError("Failed to fetch");
      },
    });
    sendMessage("hi");
    const alert = await screen.findByTestId("chat-error");
    expect(alert.textContent).toMatch(/cannot reach the assistant/i);
    expect(fetch.mock.calls.filter((c) => String(c[1].body).includes("threads.create"))).toHaveLength(3);
    expect(screen.getByRole("button", { name: "Retry" })).toBeTruthy();
  });

  it("stop aborts the request", async () => {
    let signal: AbortSignal | undefined;
    setup({
      "threads.create": (_b, init) => {
        signal = init.signal ?? undefined;
        return sseResponse({ chunks: [sse(created), sse(userDone("long")), sse(added), sse(delta("Thinking about"))], hang: true }, signal);
      },
    });
    sendMessage("long");
    expect(await screen.findByText("Thinking about")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Stop the answer" }));
    await waitFor(() => expect(signal?.aborted).toBe(true));
    expect(await screen.findByRole("button", { name: "Send" })).toBeTruthy();
    expect(screen.queryByTestId("chat-error")).toBeNull();
  });

  it("lists threads and opens one with its latest page of history (items.list desc with limit)", async () => {
    const { requests } = setup({
      "threads.list": () => jsonResponse({ data: [{ id: "thr_7", title: "Groceries", created_at: T }], has_more: false, after: "thr_7" }),
      "items.list": () =>
        jsonResponse({
          data: [
            { id: "msg_4", thread_id: "thr_7", created_at: T, type: "assistant_message", content: [{ type: "output_text", text: "Done: 2 tasks." }] },
            { id: "msg_3", thread_id: "thr_7", created_at: T, type: "user_message", content: [{ type: "input_text", text: "what is left?" }] },
          ],
          has_more: true,
          after: "msg_3",
        }),
    });
    fireEvent.click(await screen.findByRole("button", { name: "Conversation history" }));
    fireEvent.click(await screen.findByText("Groceries"));
    expect(await screen.findByText("Done: 2 tasks.")).toBeTruthy();
    const texts = screen.getAllByTestId(/msg-/).map((n) => n.textContent);
    expect(texts[0]).toContain("what is left?"); // oldest first
    expect(requests.find((r) => r.type === "items.list")?.params).toEqual({ thread_id: "thr_7", order: "desc", limit: 30 });
    expect(screen.getByTestId("chat-title").textContent).toBe("Groceries");
  });
});
