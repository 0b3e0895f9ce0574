/**
 * Server-Sent Events over fetch: an incremental parser (WHATWG rules: LF, CR or CRLF line ends, `:` comments,
 * multi-line `data:`, events ended by a blank line) fed with arbitrary chunks, and a reader that decodes a
 * response body (UTF-8 split across chunks included) with an inactivity watchdog.
 */

export interface SSEMessage {
  data: string;
  event: string;
  id: string;
}

export class SSEParser {
  private buffer = "";
  private data: string[] = [];
  private eventType = "";
  private lastId = "";
  private pendingCR = false;
  private started = false;

  constructor(
    private readonly onMessage: (message: SSEMessage) => void,
    private readonly onComment?: (text: string) => void,
  ) {}

  feed(chunk: string): void {
    if (!chunk) return;
    let text = chunk;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.pendingCR) {
      // A CR ended the previous chunk: a LF starting this one belongs to the same line end.
      this.pendingCR = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    const buf = this.buffer + text;
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(buf.slice(start, i));
      if (c === 13) {
        if (i + 1 < buf.length) {
          if (buf.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCR = true;
        }
      }
      start = i + 1;
    }
    this.buffer = buf.slice(start);
  }

  /** The stream ended: an unterminated event is dropped, as the spec says. */
  end(): void {
    this.buffer = "";
    this.data = [];
    this.eventType = "";
  }

  private line(line: string): void {
    if (line === "") {
      if (this.data.length) {
        this.onMessage({ data: this.data.join("\n"), event: this.eventType || "message", id: this.lastId });
      }
      this.data = [];
      this.eventType = "";
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */) {
      this.onComment?.(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.eventType = value;
    else if (field === "id" && !value.includes("\0")) this.lastId = value;
    // `retry` and unknown fields are ignored.
  }
}

export class StreamIdleError extends Error {
  constructor(ms: number) {
    super(`No data from the server for ${Math.round(ms / 1000)} s.`);
    this.name = "StreamIdleError";
  }
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** Abort the read when nothing (not even a ping) arrives for this long. */
  idleTimeoutMs?: number;
  onComment?: (text: string) => void;
}

/** Read a `text/event-stream` body to its end, calling `onMessage` per event. */
export async function readSSE(body: ReadableStream<Uint8Array>, onMessage: (m: SSEMessage) => void, opts: ReadOptions = {}): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SSEParser(onMessage, opts.onComment);
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  let idleError: StreamIdleError | null = null;
  const arm = () => {
    if (!opts.idleTimeoutMs) return;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idleError = new StreamIdleError(opts.idleTimeoutMs!);
      reader.cancel(idleError).catch(() => undefined);
    }, opts.idleTimeoutMs);
  };
  const onAbort = () => {
    reader.cancel().catch(() => undefined);
  };
  opts.signal?.addEventListener("abort", onAbort);
  try {
    arm();
    for (;;) {
      if (opts.signal?.aborted) throw new DOMException("The stream was stopped.", "AbortError");
      const { value, done } = await reader.read();
      if (idleError) throw idleError;
      if (opts.signal?.aborted) throw new DOMException("The stream was stopped.", "AbortError");
      if (done) break;
      arm();
      parser.feed(decoder.decode(value, { stream: true }));
    }
    parser.feed(decoder.decode());
    parser.end();
  } catch (err) {
    if (idleError) throw idleError;
    throw err;
  } finally {
    if (idleTimer) clearTimeout(idleTimer);
    opts.signal?.removeEventListener("abort", onAbort);
    try {
      reader.releaseLock();
    } catch {
      // already released
    }
  }
}
