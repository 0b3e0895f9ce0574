/**
 * The one place that decides where the API is and how the browser talks to it.
 *
 * `NEXT_PUBLIC_MOD` (read at build time, inlined by Next) picks the mode:
 *  - `production` (the default): the app is served by Flask itself, so the API is on the same origin
 *    (base URL ''), requests carry same-origin credentials, and nothing is cached.
 *  - `developer`: `next dev` on :3000 talks to Flask on :7860 (or `NEXT_PUBLIC_API_URL`), cross-origin,
 *    with the bearer token only (no cookies, so the backend's CORS needs no credentials).
 *
 * No component hard-codes a URL or a security flag: they all come from `config` below.
 */

export type Mode = "developer" | "production";
export type ChatUi = "auto" | "chatkit" | "builtin";

export interface AppConfig {
  mode: Mode;
  /** Prefix of every API URL: '' (same origin) in production. */
  apiBaseUrl: string;
  /** `credentials` of every API fetch. */
  credentials: RequestCredentials;
  /** `cache` of every API fetch: user data is never cached by the browser. */
  cache: RequestCache;
  /** Which chat UI the sidebar uses: ChatKit from the CDN with fallback (auto), or the built-in panel. */
  chatUi: ChatUi;
  /** ChatKit's domain key (registered domain); a placeholder is fine for localhost. */
  chatkitDomainKey: string;
  /** The ChatKit web component's script (only loaded when the sidebar opens). */
  chatkitScriptUrl: string;
  /** How long to wait for `<openai-chatkit>` to be defined before falling back to the built-in panel. */
  chatkitLoadTimeoutMs: number;
  /** localStorage key of the refresh token (the only thing the app keeps in web storage). */
  refreshTokenKey: string;
  /** Refresh the access token this long before it expires. */
  refreshLeadMs: number;
  /** A stream silent for this long (server pings every ~10 s) is treated as broken. */
  streamIdleTimeoutMs: number;
  /** Transient-failure retries: attempts after the first, and backoff bounds. */
  retry: { retries: number; baseMs: number; maxMs: number };
  /** Log requests and stream events to the console. */
  debug: boolean;
}

export interface ConfigEnv {
  NEXT_PUBLIC_MOD?: string;
  NEXT_PUBLIC_API_URL?: string;
  NEXT_PUBLIC_CHAT_UI?: string;
  NEXT_PUBLIC_CHATKIT_DOMAIN_KEY?: string;
  NEXT_PUBLIC_CHATKIT_SCRIPT_URL?: string;
}

export const DEFAULT_DEV_API_URL = "http://127.0.0.1:7860";
export const DEFAULT_CHATKIT_SCRIPT_URL = "https://cdn.platform.openai.com/deployments/chatkit/chatkit.js";

/** Build the configuration from an environment (pure, so tests can try every combination). */
export function resolveConfig(env: ConfigEnv): AppConfig {
  const mode: Mode = (env.NEXT_PUBLIC_MOD ?? "").trim().toLowerCase() === "developer" ? "developer" : "production";
  const developer = mode === "developer";
  const apiUrl = (env.NEXT_PUBLIC_API_URL ?? "").trim() || DEFAULT_DEV_API_URL;
  const ui = (env.NEXT_PUBLIC_CHAT_UI ?? "").trim().toLowerCase();
  return {
    mode,
    apiBaseUrl: developer ? apiUrl.replace(/\/+$/, "") : "",
    credentials: developer ? "omit" : "same-origin",
    cache: "no-store",
    chatUi: ui === "builtin" || ui === "chatkit" ? ui : "auto",
    chatkitDomainKey: (env.NEXT_PUBLIC_CHATKIT_DOMAIN_KEY ?? "").trim() || "domain_pk_localhost_dev",
    chatkitScriptUrl: (env.NEXT_PUBLIC_CHATKIT_SCRIPT_URL ?? "").trim() || DEFAULT_CHATKIT_SCRIPT_URL,
    chatkitLoadTimeoutMs: 4000,
    refreshTokenKey: "todo-assistant.auth",
    refreshLeadMs: 60_000,
    streamIdleTimeoutMs: 45_000,
    retry: { retries: 3, baseMs: 400, maxMs: 6_000 },
    debug: developer,
  };
}

// Each variable is spelled out so that Next inlines it at build time.
export const config: AppConfig = resolveConfig({
  NEXT_PUBLIC_MOD: process.env.NEXT_PUBLIC_MOD,
  NEXT_PUBLIC_API_URL: process.env.NEXT_PUBLIC_API_URL,
  NEXT_PUBLIC_CHAT_UI: process.env.NEXT_PUBLIC_CHAT_UI,
  NEXT_PUBLIC_CHATKIT_DOMAIN_KEY: process.env.NEXT_PUBLIC_CHATKIT_DOMAIN_KEY,
  NEXT_PUBLIC_CHATKIT_SCRIPT_URL: process.env.NEXT_PUBLIC_CHATKIT_SCRIPT_URL,
});

/** Absolute-or-relative URL of an API path such as `/api/auth/signin`. */
export function apiUrl(path: string, cfg: AppConfig = config): string {
  return cfg.apiBaseUrl + (path.startsWith("/") ? path : `/${path}`);
}

/** The fetch options every API call shares (credentials and caching), from the configuration. */
export function baseRequestInit(cfg: AppConfig = config): Pick<RequestInit, "credentials" | "cache" | "mode"> {
  return { credentials: cfg.credentials, cache: cfg.cache, mode: cfg.mode === "developer" ? "cors" : "same-origin" };
}
