/** Exponential backoff with jitter for transient failures. */

import { ApiError, isAbortError } from "./http";

export interface BackoffOptions {
  /** Retries after the first attempt. */
  retries: number;
  baseMs: number;
  maxMs: number;
}

/** Delay before retry number `attempt` (0-based): "equal jitter", in [cap/2, cap] with cap = min(max, base·2^attempt). */
export function backoffDelay(attempt: number, opts: Pick<BackoffOptions, "baseMs" | "maxMs">, random: () => number = Math.random): number {
  const cap = Math.min(opts.maxMs, opts.baseMs * 2 ** attempt);
  return Math.round(cap / 2 + random() * (cap / 2));
}

/** Transient: no answer at all, rate limited, or the server unavailable. Client errors are not retried. */
export function isTransient(err: unknown): boolean {
  if (isAbortError(err)) return false;
  if (err instanceof ApiError) return err.transient;
  return err instanceof TypeError; // fetch's network failure
}

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  error: unknown;
}

export interface RetryOptions extends BackoffOptions {
  signal?: AbortSignal;
  retryable?: (err: unknown) => boolean;
  onRetry?: (info: RetryInfo) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException("Aborted", "AbortError"));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DOMException("Aborted", "AbortError"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Run `fn`, retrying transient failures with backoff (honouring Retry-After), then rethrow the last error. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const retryable = opts.retryable ?? isTransient;
  const wait = opts.sleep ?? sleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= opts.retries || opts.signal?.aborted || !retryable(err)) throw err;
      let delayMs = backoffDelay(attempt, opts, opts.random);
      if (err instanceof ApiError && err.retryAfterMs !== null) delayMs = Math.min(opts.maxMs * 2, Math.max(delayMs, err.retryAfterMs));
      opts.onRetry?.({ attempt: attempt + 1, delayMs, error: err });
      await wait(delayMs, opts.signal);
    }
  }
}
