import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAuthClient, tokenLifetimeMs } from "@/lib/auth";
import { resolveConfig } from "@/lib/config";
import { jsonResponse, MemoryStorage, tokenFor } from "./helpers";

const cfg = resolveConfig({});
const KEY = cfg.refreshTokenKey;
const user = { id: "u_1", email: "a@example.com", name: "", timezone: "UTC" };

function setup(lifetimeSeconds = 15 * 60) {
  const storage = new MemoryStorage();
  let n = 0;
  const calls: { url: string; auth: string | null; method: string; csrf: string | null; credentials?: RequestCredentials }[] = [];
  const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    calls.push({ url: String(url), auth: headers.get("Authorization"), method: init?.method ?? "GET",
                 csrf: headers.get("X-CSRF-TOKEN"), credentials: init?.credentials });
    const path = String(url);
    if (path.endsWith("/api/auth/signin") || path.endsWith("/api/auth/signup")) {
      // The refresh token is an HttpOnly cookie: never in the body the page reads.
      return jsonResponse({ user, access_token: tokenFor(lifetimeSeconds, { n: ++n }) }, path.endsWith("signup") ? 201 : 200);
    }
    if (path.endsWith("/api/auth/refresh")) {
      n++;
      return jsonResponse({ access_token: tokenFor(lifetimeSeconds, { n }) });
    }
    if (path.endsWith("/api/auth/signout")) return new Response(null, { status: 204 });
    return jsonResponse({ ok: true });
  });
  const client = createAuthClient({ fetch: fetch as unknown as typeof globalThis.fetch, storage, config: cfg, locks: null });
  return { client, storage, fetch, calls };
}

describe("auth client", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("reads the lifetime of a JWT from iat/exp", () => {
    expect(tokenLifetimeMs(tokenFor(900))).toBe(900_000);
    expect(tokenLifetimeMs("not-a-jwt")).toBeNull();
  });

  it("signs in: access token in memory, no token in storage (only the public user under one key)", async () => {
    const { client, storage } = setup();
    const session = await client.signIn("a@example.com", "password123");
    expect(session.user.id).toBe("u_1");
    expect(storage.keys()).toEqual([KEY]);
    const stored = JSON.parse(storage.getItem(KEY)!);
    expect(stored).toEqual({ user });
    expect(JSON.stringify(stored)).not.toContain(session.accessToken);
    expect(await client.getSession()).toBe(session);
  });

  it("refreshes silently before the access token expires, through the cookie with the CSRF header", async () => {
    document.cookie = "csrf_refresh_token=c1; path=/";
    const { client, calls } = setup(15 * 60);
    const first = await client.signIn("a@example.com", "password123");
    const listener = vi.fn();
    client.subscribe(listener);
    // Nothing yet 13 minutes in.
    await vi.advanceTimersByTimeAsync(13 * 60_000);
    expect(calls.filter((c) => c.url.endsWith("/refresh"))).toHaveLength(0);
    // One minute before expiry the refresh happens: cookie credentials, CSRF header, no bearer.
    await vi.advanceTimersByTimeAsync(60_000 + 10);
    const refreshes = calls.filter((c) => c.url.endsWith("/refresh"));
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0].auth).toBeNull();
    expect(refreshes[0].csrf).toBe("c1");
    expect(refreshes[0].credentials).toBe("include");
    const second = client.peek()!;
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(listener).toHaveBeenCalledWith(second);
    // And again before the new token expires.
    await vi.advanceTimersByTimeAsync(15 * 60_000);
    expect(calls.filter((c) => c.url.endsWith("/refresh"))).toHaveLength(2);
  });

  it("restores a session after a reload through the refresh cookie", async () => {
    const { storage, fetch } = setup();
    storage.setItem(KEY, JSON.stringify({ user }));
    const client = createAuthClient({ fetch: fetch as unknown as typeof globalThis.fetch, storage, config: cfg, locks: null });
    const session = await client.getSession();
    expect(session?.user).toEqual(user);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(String(fetch.mock.calls[0][0])).toContain("/api/auth/refresh");
    expect(new Headers(fetch.mock.calls[0][1]?.headers).get("Authorization")).toBeNull();
  });

  it("concurrent callers share one refresh (the token rotates; a second use would revoke the session)", async () => {
    const { storage, fetch } = setup();
    storage.setItem(KEY, JSON.stringify({ user }));
    const client = createAuthClient({ fetch: fetch as unknown as typeof globalThis.fetch, storage, config: cfg, locks: null });
    const [a, b, c] = await Promise.all([client.getSession(), client.getSession(), client.authFetch("/api/u_1/tasks")]);
    expect(a).toBe(b);
    expect(c.ok).toBe(true);
    expect(fetch.mock.calls.filter((call) => String(call[0]).endsWith("/refresh"))).toHaveLength(1);
  });

  it("signs out: tells the server, forgets every token, notifies listeners", async () => {
    const { client, storage, calls } = setup();
    const session = await client.signIn("a@example.com", "password123");
    const listener = vi.fn();
    client.subscribe(listener);
    await client.signOut();
    const signout = calls.find((c) => c.url.endsWith("/api/auth/signout"))!;
    expect(signout.auth).toBe(`Bearer ${session.accessToken}`);
    expect(storage.getItem(KEY)).toBeNull();
    expect(client.peek()).toBeNull();
    expect(listener).toHaveBeenLastCalledWith(null);
    expect(await client.getSession()).toBeNull();
    // No refresh timer left behind.
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(calls.filter((c) => c.url.endsWith("/refresh"))).toHaveLength(0);
  });

  it("signs out locally even when the server cannot be reached", async () => {
    const { client, storage, fetch } = setup();
    await client.signIn("a@example.com", "password123");
    fetch.mockRejectedValueOnce(new TypeError("Failed to fetch"));
    await expect(client.signOut()).resolves.toBeUndefined();
    expect(storage.getItem(KEY)).toBeNull();
  });

  it("a refused refresh (revoked session) signs out", async () => {
    const { client, storage, fetch } = setup(120);
    await client.signIn("a@example.com", "password123");
    fetch.mockImplementation(async () => jsonResponse({ error: { code: "token_revoked", message: "The token was revoked." } }, 401));
    const listener = vi.fn();
    client.subscribe(listener);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(client.peek()).toBeNull();
    expect(storage.getItem(KEY)).toBeNull();
    expect(listener).toHaveBeenLastCalledWith(null);
  });

  it("authFetch adds the bearer token and retries once after a 401 with a refreshed token", async () => {
    const { client, fetch } = setup();
    await client.signIn("a@example.com", "password123");
    let first = true;
    const inner = fetch.getMockImplementation()!;
    fetch.mockImplementation(async (url, init) => {
      if (String(url).endsWith("/tasks") && first) {
        first = false;
        return jsonResponse({ error: { code: "token_expired", message: "The token has expired." } }, 401);
      }
      return inner(url, init);
    });
    const res = await client.authFetch("/api/u_1/tasks");
    expect(res.status).toBe(200);
    const taskCalls = fetch.mock.calls.filter((c) => String(c[0]).endsWith("/tasks"));
    expect(taskCalls).toHaveLength(2);
    const auths = taskCalls.map((c) => new Headers(c[1]?.headers).get("Authorization"));
    expect(auths[0]).not.toBe(auths[1]);
  });

  it("follows a sign-out made in another tab (storage event)", async () => {
    const { client, storage } = setup();
    await client.signIn("a@example.com", "password123");
    storage.removeItem(KEY);
    client.onStorage(new StorageEvent("storage", { key: KEY, newValue: null }));
    expect(client.peek()).toBeNull();
  });

  it("surfaces the server's error on bad credentials", async () => {
    const { client, fetch } = setup();
    fetch.mockResolvedValueOnce(jsonResponse({ error: { code: "invalid_credentials", message: "Wrong email or password." } }, 401));
    await expect(client.signIn("a@example.com", "nope")).rejects.toMatchObject({ status: 401, code: "invalid_credentials", message: "Wrong email or password." });
  });
});
