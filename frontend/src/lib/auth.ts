/**
 * The auth client: sign up, sign in, sign out, the current session, and a silent refresh before expiry.
 *
 * Where tokens live:
 *  - the access token (15 minutes) only in memory;
 *  - the refresh token ONLY in an HttpOnly, SameSite=Strict cookie scoped to /api/auth that the server
 *    sets: page JavaScript never sees it. A refresh posts to /api/auth/refresh with that cookie and the
 *    double-submit `X-CSRF-TOKEN` header (from the readable `csrf_refresh_token` cookie).
 *  - localStorage holds, under ONE key `config.refreshTokenKey` ("todo-assistant.auth"), only `{user}`
 *    (the public user object): it tells a reload that a session probably exists and whose data to ask for,
 *    and lets other tabs follow a sign-out. The server rotates the refresh cookie on every use and revokes
 *    the session when an old one comes back, so refreshes are serialised across tabs (Web Locks).
 */

import { apiUrl, baseRequestInit, config as defaultConfig, type AppConfig } from "./config";
import { ApiError, errorFromResponse, fetchOrThrow } from "./http";

export interface User {
  id: string;
  email: string;
  name: string;
  timezone: string;
}

export interface Session {
  user: User;
  accessToken: string;
  /** Client-clock time (ms) when the access token expires. */
  expiresAt: number;
}

interface Stored {
  user: User;
}

interface AuthAnswer {
  user: User;
  access_token: string;
}

/** The double-submit CSRF value the server pairs with the refresh cookie (readable by design). */
function csrfToken(): string | null {
  if (typeof document === "undefined") return null;
  const match = document.cookie.match(/(?:^|;\s*)csrf_refresh_token=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : null;
}

export interface SignUpInput {
  email: string;
  password: string;
  name?: string;
  timezone?: string;
}

export interface AuthDeps {
  fetch?: typeof fetch;
  storage?: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null;
  now?: () => number;
  config?: AppConfig;
  locks?: { request: (name: string, cb: () => Promise<unknown>) => Promise<unknown> } | null;
  setTimeout?: (cb: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
}

type Listener = (session: Session | null) => void;

/** Lifetime of a JWT in ms from its `iat` and `exp` claims (so the client's clock skew does not matter). */
export function tokenLifetimeMs(token: string): number | null {
  try {
    const part = token.split(".")[1];
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    const claims = JSON.parse(json) as { exp?: number; iat?: number };
    if (typeof claims.exp !== "number") return null;
    const iat = typeof claims.iat === "number" ? claims.iat : Math.floor(Date.now() / 1000);
    return Math.max(0, (claims.exp - iat) * 1000);
  } catch {
    return null;
  }
}

function browserStorage(): AuthDeps["storage"] {
  try {
    return typeof window !== "undefined" ? window.localStorage : null;
  } catch {
    return null; // storage disabled: the session lasts as long as the page
  }
}

function browserLocks(): AuthDeps["locks"] {
  if (typeof navigator === "undefined") return null;
  const locks = (navigator as Navigator & { locks?: AuthDeps["locks"] }).locks;
  return locks && typeof locks.request === "function" ? locks : null;
}

export function createAuthClient(deps: AuthDeps = {}) {
  const cfg = deps.config ?? defaultConfig;
  const doFetch: typeof fetch = (...args) => (deps.fetch ?? globalThis.fetch)(...args);
  const storage = () => (deps.storage !== undefined ? deps.storage : browserStorage());
  const locks = () => (deps.locks !== undefined ? deps.locks : browserLocks());
  const now = deps.now ?? (() => Date.now());
  const setT = deps.setTimeout ?? ((cb: () => void, ms: number) => setTimeout(cb, ms));
  const clearT = deps.clearTimeout ?? ((id: unknown) => clearTimeout(id as ReturnType<typeof setTimeout>));

  let session: Session | null = null;
  let timer: unknown = null;
  let inflight: Promise<Session | null> | null = null;
  const listeners = new Set<Listener>();

  function readStored(): Stored | null {
    try {
      const raw = storage()?.getItem(cfg.refreshTokenKey);
      if (!raw) return null;
      const value = JSON.parse(raw) as Stored;
      return value && value.user?.id ? { user: value.user } : null;
    } catch {
      return null;
    }
  }

  function writeStored(value: Stored | null): void {
    try {
      if (value) storage()?.setItem(cfg.refreshTokenKey, JSON.stringify(value));
      else storage()?.removeItem(cfg.refreshTokenKey);
    } catch {
      // quota or disabled storage: the in-memory session still works
    }
  }

  function emit(): void {
    for (const listener of listeners) listener(session);
  }

  function schedule(): void {
    if (timer !== null) clearT(timer);
    timer = null;
    if (!session) return;
    const lifetime = session.expiresAt - now();
    // Refresh `refreshLeadMs` before expiry, or at 3/4 of a short lifetime.
    const lead = Math.min(cfg.refreshLeadMs, Math.floor(lifetime / 4));
    timer = setT(() => {
      timer = null;
      refresh().catch(() => {
        // Transient failure: try again shortly while the token is still valid.
        if (session && session.expiresAt > now()) {
          timer = setT(() => void refresh().catch(() => undefined), Math.min(10_000, Math.max(1_000, (session.expiresAt - now()) / 2)));
        }
      });
    }, Math.max(0, lifetime - lead));
  }

  function adopt(user: User, accessToken: string): Session {
    const lifetime = tokenLifetimeMs(accessToken) ?? 10 * 60_000;
    session = { user, accessToken, expiresAt: now() + lifetime };
    writeStored({ user });
    schedule();
    emit();
    return session;
  }

  function clear(): void {
    const had = session !== null || readStored() !== null;
    session = null;
    if (timer !== null) clearT(timer);
    timer = null;
    writeStored(null);
    if (had) emit();
  }

  async function post(path: string, body: unknown, bearer?: string, csrf?: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    if (csrf) headers["X-CSRF-TOKEN"] = csrf;
    return fetchOrThrow(doFetch, apiUrl(path, cfg), {
      ...baseRequestInit(cfg),
      credentials: "include", // the auth routes set and read the HttpOnly refresh cookie
      method: "POST",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async function doRefresh(): Promise<Session | null> {
    const stored = readStored(); // the newest token, possibly rotated by another tab
    if (!stored) {
      clear();
      return null;
    }
    const res = await post("/api/auth/refresh", undefined, undefined, csrfToken());
    if (res.ok) {
      const body = (await res.json()) as { access_token: string };
      return adopt(stored.user, body.access_token);
    }
    const err = await errorFromResponse(res);
    if (err.status === 401 || err.status === 403) {
      clear();
      return null;
    }
    throw err;
  }

  /** Get a new access token with the stored refresh token (one at a time, across tabs). */
  function refresh(): Promise<Session | null> {
    if (!inflight) {
      const lockManager = locks();
      const run = lockManager
        ? (lockManager.request("todo-assistant.auth.refresh", () => doRefresh()) as Promise<Session | null>)
        : doRefresh();
      inflight = run.finally(() => {
        inflight = null;
      });
    }
    return inflight;
  }

  async function signIn(email: string, password: string): Promise<Session> {
    const res = await post("/api/auth/signin", { email, password });
    if (!res.ok) throw await errorFromResponse(res);
    const body = (await res.json()) as AuthAnswer;
    return adopt(body.user, body.access_token);
  }

  async function signUp(input: SignUpInput): Promise<Session> {
    const timezone = input.timezone || defaultTimezone();
    const res = await post("/api/auth/signup", { email: input.email, password: input.password, name: input.name ?? "", timezone });
    if (!res.ok) throw await errorFromResponse(res);
    const body = (await res.json()) as AuthAnswer;
    return adopt(body.user, body.access_token);
  }

  /** End the session on the server (best effort) and forget every token here. */
  async function signOut(): Promise<void> {
    const token = session?.accessToken;
    clear();
    if (token) {
      try {
        await post("/api/auth/signout", undefined, token);
      } catch {
        // offline: the tokens are gone from this browser anyway and expire on their own
      }
    }
  }

  /** The current session, refreshing it first when the access token is (nearly) expired. */
  async function getSession(): Promise<Session | null> {
    if (session && session.expiresAt - now() > 5_000) return session;
    if (!readStored()) {
      if (session) clear();
      return null;
    }
    return refresh();
  }

  /** fetch() with the access token; a 401 triggers one refresh and one retry, then signs out. */
  async function authFetch(input: string, init: RequestInit = {}): Promise<Response> {
    const current = await getSession();
    if (!current) throw new ApiError(401, "signed_out", "Please sign in again.");
    const send = (token: string) => {
      const headers = new Headers(init.headers);
      headers.set("Authorization", `Bearer ${token}`);
      if (!headers.has("Accept")) headers.set("Accept", "application/json");
      return fetchOrThrow(doFetch, input, { ...baseRequestInit(cfg), ...init, headers });
    };
    let res = await send(current.accessToken);
    if (res.status !== 401) return res;
    const renewed = await refresh().catch(() => null);
    if (!renewed) {
      clear();
      return res;
    }
    res = await send(renewed.accessToken);
    if (res.status === 401) clear();
    return res;
  }

  function subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Another tab signed out (the key disappeared) or in: follow it. */
  function onStorage(event: StorageEvent): void {
    if (event.key !== null && event.key !== cfg.refreshTokenKey) return;
    if (!event.newValue && session) {
      session = null;
      if (timer !== null) clearT(timer);
      timer = null;
      emit();
    } else if (event.newValue && !session) {
      void getSession().then(() => emit(), () => undefined);
    }
  }

  return {
    getSession,
    signIn,
    signUp,
    signOut,
    refresh,
    authFetch,
    subscribe,
    onStorage,
    /** The session held in memory right now (no network). */
    peek: (): Session | null => session,
    /** Whether a session was started here (a reload can probably restore it through the cookie). */
    hasStoredSession: (): boolean => readStored() !== null,
  };
}

export type AuthClient = ReturnType<typeof createAuthClient>;

export function defaultTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** The app's auth client (one per page). */
export const auth: AuthClient = createAuthClient();

if (typeof window !== "undefined") {
  window.addEventListener("storage", (event) => auth.onStorage(event));
}

export const getSession = auth.getSession;
export const signIn = auth.signIn;
export const signUp = auth.signUp;
export const signOut = auth.signOut;
export const authFetch = auth.authFetch;
