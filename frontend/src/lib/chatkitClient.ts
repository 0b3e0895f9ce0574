/**
 * A client of the ChatKit protocol (one POST endpoint: JSON answers for reads and edits, an SSE stream of
 * ThreadStreamEvents for a turn), used by the built-in chat panel when ChatKit's own UI cannot load.
 *
 * Reads are retried on transient failures with exponential backoff and jitter. A turn is retried only while
 * nothing was processed (no answer, 429 or 5xx before the stream starts); once the stream has begun, a
 * broken connection is reported (`StreamInterruptedError`) and the caller offers a retry, which goes through
 * `threads.retry_after_item` so the user's message is not stored twice.
 */

import { config } from "./config";
import { ApiError, errorFromResponse, fetchOrThrow, isAbortError } from "./http";
import { withRetry, type BackoffOptions, type RetryInfo } from "./retry";
import { readSSE, StreamIdleError } from "./sse";
import type { Page, StreamingRequest, Thread, ThreadItem, ThreadMetadata, ThreadStreamEvent } from "./chatkitTypes";

export class StreamInterruptedError extends Error {
  readonly cause?: unknown;
  constructor(message: string, cause?: unknown) {
    super(message);
    this.name = "StreamInterruptedError";
    this.cause = cause;
  }
}

export interface ChatKitClientOptions {
  /** The endpoint, e.g. `/api/u_123/chatkit` (absolute in developer mode). */
  url: string;
  /** fetch with authentication (the auth client's `authFetch`). */
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  retry?: BackoffOptions;
  idleTimeoutMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  debug?: boolean;
}

export interface StreamHandlers {
  onEvent: (event: ThreadStreamEvent) => void;
  /** A transient failure before the stream started; another attempt follows after `delayMs`. */
  onRetry?: (info: RetryInfo) => void;
}

export interface StreamResult {
  /** Number of events received. */
  events: number;
}

export class ChatKitClient {
  private readonly opts: Required<Pick<ChatKitClientOptions, "retry" | "idleTimeoutMs">> & ChatKitClientOptions;

  constructor(opts: ChatKitClientOptions) {
    this.opts = { retry: config.retry, idleTimeoutMs: config.streamIdleTimeoutMs, ...opts };
  }

  private async post(body: unknown, accept: string, signal?: AbortSignal, extraHeaders: Record<string, string> = {}): Promise<Response> {
    const res = await fetchOrThrow(this.opts.fetch, this.opts.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: accept, ...extraHeaders },
      body: JSON.stringify(body),
      signal,
    });
    if (!res.ok) throw await errorFromResponse(res);
    return res;
  }

  /** A non-streaming request (JSON answer), retried on transient failures. */
  async request<T>(type: string, params: Record<string, unknown>, signal?: AbortSignal, onRetry?: (info: RetryInfo) => void): Promise<T> {
    return withRetry(
      async () => {
        const res = await this.post({ type, params, metadata: {} }, "application/json", signal);
        const text = await res.text();
        return (text ? JSON.parse(text) : {}) as T;
      },
      { ...this.opts.retry, signal, onRetry, sleep: this.opts.sleep, random: this.opts.random },
    );
  }

  listThreads(params: { limit?: number; after?: string | null; order?: "asc" | "desc" } = {}, signal?: AbortSignal) {
    return this.request<Page<ThreadMetadata>>("threads.list", { limit: 20, order: "desc", ...params }, signal);
  }

  getThread(threadId: string, signal?: AbortSignal) {
    return this.request<Thread>("threads.get_by_id", { thread_id: threadId }, signal);
  }

  /** Items of a thread; `order: "desc"` with `after` pages backwards from the newest. */
  listItems(params: { thread_id: string; limit?: number; after?: string | null; order?: "asc" | "desc" }, signal?: AbortSignal) {
    return this.request<Page<ThreadItem>>("items.list", { limit: 30, order: "desc", ...params }, signal);
  }

  updateThread(threadId: string, title: string) {
    return this.request<Thread>("threads.update", { thread_id: threadId, title });
  }

  deleteThread(threadId: string) {
    return this.request<Record<string, never>>("threads.delete", { thread_id: threadId });
  }

  feedback(threadId: string, itemIds: string[], kind: "positive" | "negative") {
    return this.request<Record<string, never>>("items.feedback", { thread_id: threadId, item_ids: itemIds, kind });
  }

  /**
   * Send a streaming request and hand each ThreadStreamEvent to `onEvent` until the stream ends.
   * Rejects with an AbortError when `signal` aborts (stop), an ApiError when the request is refused,
   * or a StreamInterruptedError when the connection breaks mid-stream. `idempotencyKey` goes out as the
   * `Idempotency-Key` header.
   */
  async stream(req: StreamingRequest, handlers: StreamHandlers, signal?: AbortSignal, idempotencyKey?: string): Promise<StreamResult> {
    // The same key on every attempt of the same message (and on a manual resend), so a server that
    // honours Idempotency-Key never runs the turn twice.
    const headers: Record<string, string> = idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {};
    const res = await withRetry(() => this.post({ ...req, metadata: {} }, "text/event-stream", signal, headers), {
      ...this.opts.retry,
      signal,
      onRetry: handlers.onRetry,
      sleep: this.opts.sleep,
      random: this.opts.random,
      // Only failures where the server cannot have started the turn.
      retryable: (err) => err instanceof ApiError && (err.status === 0 || err.status === 429 || err.status === 502 || err.status === 503 || err.status === 504),
    });
    const type = res.headers.get("Content-Type") || "";
    if (!res.body || !type.includes("text/event-stream")) {
      // A JSON answer where a stream was expected: an error in the contract's shape, or nothing useful.
      throw new ApiError(res.status, "unexpected_response", "The assistant sent an unexpected answer.");
    }
    let events = 0;
    try {
      await readSSE(
        res.body,
        (message) => {
          let event: ThreadStreamEvent;
          try {
            event = JSON.parse(message.data) as ThreadStreamEvent;
          } catch {
            return; // not JSON: ignore this event, keep the stream
          }
          events++;
          if (this.opts.debug) console.debug("[chatkit]", event.type, event);
          handlers.onEvent(event);
        },
        { signal, idleTimeoutMs: this.opts.idleTimeoutMs },
      );
    } catch (err) {
      if (isAbortError(err) || signal?.aborted) throw new DOMException("The stream was stopped.", "AbortError");
      if (err instanceof StreamIdleError) throw new StreamInterruptedError("The assistant stopped responding.", err);
      throw new StreamInterruptedError("The connection to the assistant was lost.", err);
    }
    return { events };
  }
}
