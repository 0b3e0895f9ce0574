/** Test helpers: fake JWTs, SSE responses built from chunks, a memory storage. */

export function fakeJwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${enc({ alg: "HS256", typ: "JWT" })}.${enc(claims)}.sig`;
}

export function tokenFor(lifetimeSeconds: number, extra: Record<string, unknown> = {}): string {
  const iat = 1_700_000_000;
  return fakeJwt({ sub: "u_1", iat, exp: iat + lifetimeSeconds, ...extra });
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

export interface ChunkPlan {
  chunks: (string | Uint8Array)[];
  /** Throw this after the chunks instead of ending (a broken connection). */
  failWith?: Error;
  /** Never end after the chunks (until aborted). */
  hang?: boolean;
}

/** A text/event-stream Response delivering `chunks` one read at a time. */
export function sseResponse(plan: ChunkPlan, signal?: AbortSignal): Response {
  const encoder = new TextEncoder();
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((r) => setTimeout(r, 0));
      if (i < plan.chunks.length) {
        const c = plan.chunks[i++];
        controller.enqueue(typeof c === "string" ? encoder.encode(c) : c);
        return;
      }
      if (plan.failWith) {
        controller.error(plan.failWith);
        return;
      }
      if (plan.hang) {
        await new Promise<void>((resolve) => {
          if (signal?.aborted) resolve();
          signal?.addEventListener("abort", () => resolve());
        });
        controller.error(new DOMException("aborted", "AbortError"));
        return;
      }
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
}

export function sse(event: unknown): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}

export class MemoryStorage {
  private map = new Map<string, string>();
  getItem(key: string) {
    return this.map.has(key) ? this.map.get(key)! : null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  keys() {
    return [...this.map.keys()];
  }
}
