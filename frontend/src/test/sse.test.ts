import { describe, expect, it, vi } from "vitest";
import { readSSE, SSEParser, StreamIdleError } from "@/lib/sse";
import { sseResponse } from "./helpers";

function parseAll(chunks: string[]) {
  const messages: string[] = [];
  const comments: string[] = [];
  const p = new SSEParser((m) => messages.push(m.data), (c) => comments.push(c));
  for (const c of chunks) p.feed(c);
  p.end();
  return { messages, comments };
}

/** Every way of cutting `text` in two and in three. */
function splits(text: string): string[][] {
  const out: string[][] = [[text]];
  for (let i = 1; i < text.length; i++) {
    out.push([text.slice(0, i), text.slice(i)]);
    for (let j = i + 1; j < text.length; j += 3) out.push([text.slice(0, i), text.slice(i, j), text.slice(j)]);
  }
  return out;
}

describe("SSE parser", () => {
  it("parses events, ignoring `: ping` comments, whatever the chunking", () => {
    const stream = ': ping\n\ndata: {"type":"a"}\n\n: ping\ndata: {"type":"b"}\n\n';
    for (const chunks of splits(stream)) {
      const { messages, comments } = parseAll(chunks);
      expect(messages).toEqual(['{"type":"a"}', '{"type":"b"}']);
      expect(comments).toEqual(["ping", "ping"]);
    }
  });

  it("accepts CRLF and CR line ends, even a CRLF split across chunks", () => {
    const crlf = 'data: {"x":1}\r\n\r\ndata: {"x":2}\r\r';
    for (const chunks of splits(crlf)) expect(parseAll(chunks).messages).toEqual(['{"x":1}', '{"x":2}']);
  });

  it("joins multi-line data and keeps the value after one optional space", () => {
    expect(parseAll(["data: line1\ndata:line2\ndata:  indented\n\n"]).messages).toEqual(["line1\nline2\n indented"]);
  });

  it("drops an unterminated event at the end and ignores other fields", () => {
    expect(parseAll(["event: x\nid: 3\nretry: 10\ndata: ok\n\ndata: half"]).messages).toEqual(["ok"]);
  });

  it("decodes UTF-8 split inside a character", async () => {
    const bytes = new TextEncoder().encode('data: {"t":"café ✓ 😀"}\n\n');
    const chunks = Array.from(bytes, (b) => new Uint8Array([b])); // one byte per read
    const got: string[] = [];
    await readSSE(sseResponse({ chunks }).body!, (m) => got.push(m.data));
    expect(JSON.parse(got[0]).t).toBe("café ✓ 😀");
  });

  it("throws the stream's error (a broken connection)", async () => {
    const res = sseResponse({ chunks: ["data: 1\n\n"], failWith: new TypeError("network error") });
    const got: string[] = [];
    await expect(readSSE(res.body!, (m) => got.push(m.data))).rejects.toThrow("network error");
    expect(got).toEqual(["1"]);
  });

  it("gives up on a silent stream after the idle timeout", async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const res = sseResponse({ chunks: [": ping\n"], hang: true }, controller.signal);
      const done = readSSE(res.body!, () => undefined, { idleTimeoutMs: 1000 });
      const assertion = expect(done).rejects.toBeInstanceOf(StreamIdleError);
      await vi.advanceTimersByTimeAsync(1500);
      await assertion;
      controller.abort();
    } finally {
      vi.useRealTimers();
    }
  });

  it("stops when its signal aborts", async () => {
    const controller = new AbortController();
    const res = sseResponse({ chunks: ["data: 1\n\n"], hang: true }, controller.signal);
    const got: string[] = [];
    const done = readSSE(res.body!, (m) => {
      got.push(m.data);
      controller.abort();
    }, { signal: controller.signal });
    await expect(done).rejects.toMatchObject({ name: "AbortError" });
    expect(got).toEqual(["1"]);
  });
});
