/** The contract's error shape, and turning any failed response into an `ApiError`. */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string>;
  readonly retryAfterMs: number | null;

  constructor(status: number, code: string, message: string, fields: Record<string, string> = {}, retryAfterMs: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.retryAfterMs = retryAfterMs;
  }

  /** Worth trying again later: rate limited, server overloaded or restarting. */
  get transient(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** A network failure (no HTTP answer): the server is down or unreachable. */
export class NetworkError extends ApiError {
  constructor(message = "Cannot reach the server. Check your connection and try again.") {
    super(0, "network_error", message);
    this.name = "NetworkError";
  }
}

function retryAfter(res: Response): number | null {
  const raw = res.headers.get("Retry-After");
  if (!raw) return null;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const when = Date.parse(raw);
  return Number.isNaN(when) ? null : Math.max(0, when - Date.now());
}

const FALLBACK_MESSAGES: Record<number, string> = {
  401: "Please sign in again.",
  403: "You are not allowed to do that.",
  404: "Not found.",
  429: "Too many requests; please wait a moment.",
  503: "The service is temporarily unavailable; please try again.",
};

/** Read the `{error: {code, message, fields}}` body of a failed response (tolerating any other body). */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = FALLBACK_MESSAGES[res.status] ?? (res.status >= 500 ? "Something went wrong on our side." : "The request failed.");
  let fields: Record<string, string> = {};
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; fields?: Record<string, string> } };
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
      fields = body.error.fields || {};
    }
  } catch {
    // not JSON: keep the fallback
  }
  return new ApiError(res.status, code, message, fields, retryAfter(res));
}

/** True for the AbortError a fetch throws when its signal is aborted. */
export function isAbortError(err: unknown): boolean {
  return !!err && typeof err === "object" && (err as { name?: string }).name === "AbortError";
}

/**
 * The one fetch wrapper for network errors: a request that gets no HTTP answer at all (server down,
 * connection refused or reset) rejects with a `NetworkError`; an abort stays an AbortError and an
 * `ApiError` thrown by a wrapped fetch (e.g. "signed out") passes through unchanged.
 */
export async function fetchOrThrow(doFetch: (input: string, init: RequestInit) => Promise<Response>, input: string, init: RequestInit): Promise<Response> {
  try {
    return await doFetch(input, init);
  } catch (err) {
    if (isAbortError(err) || err instanceof ApiError) throw err;
    throw new NetworkError();
  }
}
