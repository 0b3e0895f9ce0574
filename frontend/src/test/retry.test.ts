import { describe, expect, it, vi } from "vitest";
import { ApiError, NetworkError } from "@/lib/http";
import { backoffDelay, isTransient, withRetry } from "@/lib/retry";

describe("backoff", () => {
  it("grows exponentially with jitter within [cap/2, cap], capped", () => {
    const opts = { baseMs: 400, maxMs: 6000 };
    expect(backoffDelay(0, opts, () => 0)).toBe(200);
    expect(backoffDelay(0, opts, () => 1)).toBe(400);
    expect(backoffDelay(1, opts, () => 1)).toBe(800);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(2400);
    expect(backoffDelay(10, opts, () => 1)).toBe(6000);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(2, opts);
      expect(d).toBeGreaterThanOrEqual(800);
      expect(d).toBeLessThanOrEqual(1600);
    }
  });

  it("classifies transient failures", () => {
    expect(isTransient(new NetworkError())).toBe(true);
    expect(isTransient(new ApiError(503, "unavailable", ""))).toBe(true);
    expect(isTransient(new ApiError(429, "rate_limited", ""))).toBe(true);
    expect(isTransient(new ApiError(422, "validation_error", ""))).toBe(false);
    expect(isTransient(new ApiError(404, "not_found", ""))).toBe(false);
    expect(isTransient(new DOMException("x", "AbortError"))).toBe(false);
  });

  it("retries transient failures then succeeds, waiting the backoff delays", async () => {
    const sleep = vi.fn(async (_ms: number) => undefined);
    const onRetry = vi.fn();
    let n = 0;
    const result = await withRetry(
      async () => {
        if (n++ < 2) throw new NetworkError();
        return "ok";
      },
      { retries: 3, baseMs: 100, maxMs: 1000, sleep, onRetry, random: () => 1 },
    );
    expect(result).toBe("ok");
    expect(sleep.mock.calls.map((c) => c[0])).toEqual([100, 200]);
    expect(onRetry.mock.calls.map((c) => c[0].attempt)).toEqual([1, 2]);
  });

  it("gives up after the last retry and rethrows", async () => {
    const sleep = vi.fn(async (_ms: number) => undefined);
    await expect(withRetry(async () => Promise.reject(new ApiError(503, "unavailable", "down")), { retries: 2, baseMs: 1, maxMs: 2, sleep })).rejects.toMatchObject({ status: 503 });
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it("does not retry client errors", async () => {
    const fn = vi.fn(async () => Promise.reject(new ApiError(422, "validation_error", "bad")));
    await expect(withRetry(fn, { retries: 3, baseMs: 1, maxMs: 2 })).rejects.toMatchObject({ status: 422 });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("honours Retry-After", async () => {
    const sleep = vi.fn(async (_ms: number) => undefined);
    let n = 0;
    await withRetry(
      async () => {
        if (n++ === 0) throw new ApiError(429, "rate_limited", "", {}, 1500);
        return 1;
      },
      { retries: 1, baseMs: 100, maxMs: 1000, sleep, random: () => 0 },
    );
    expect(sleep.mock.calls[0][0]).toBe(1500);
  });
});
