import { describe, expect, it } from "vitest";
import { apiUrl, baseRequestInit, DEFAULT_DEV_API_URL, resolveConfig } from "@/lib/config";

describe("config", () => {
  it("defaults to production: same origin, same-origin credentials, no caching", () => {
    const cfg = resolveConfig({});
    expect(cfg.mode).toBe("production");
    expect(cfg.apiBaseUrl).toBe("");
    expect(cfg.credentials).toBe("same-origin");
    expect(cfg.cache).toBe("no-store");
    expect(apiUrl("/api/auth/signin", cfg)).toBe("/api/auth/signin");
    expect(baseRequestInit(cfg)).toEqual({ credentials: "same-origin", cache: "no-store", mode: "same-origin" });
  });

  it("production ignores NEXT_PUBLIC_API_URL", () => {
    const cfg = resolveConfig({ NEXT_PUBLIC_MOD: "production", NEXT_PUBLIC_API_URL: "http://elsewhere:1" });
    expect(cfg.apiBaseUrl).toBe("");
  });

  it("developer mode talks to Flask on 7860 by default, bearer only", () => {
    const cfg = resolveConfig({ NEXT_PUBLIC_MOD: "developer" });
    expect(cfg.mode).toBe("developer");
    expect(cfg.apiBaseUrl).toBe(DEFAULT_DEV_API_URL);
    expect(cfg.apiBaseUrl).toBe("http://127.0.0.1:7860");
    expect(cfg.credentials).toBe("omit");
    expect(cfg.debug).toBe(true);
    expect(apiUrl("api/x", cfg)).toBe("http://127.0.0.1:7860/api/x");
    expect(baseRequestInit(cfg).mode).toBe("cors");
  });

  it("developer mode honours NEXT_PUBLIC_API_URL (trailing slashes trimmed)", () => {
    const cfg = resolveConfig({ NEXT_PUBLIC_MOD: " Developer ", NEXT_PUBLIC_API_URL: "http://localhost:9000/" });
    expect(cfg.apiBaseUrl).toBe("http://localhost:9000");
  });

  it("chat UI: auto unless builtin or chatkit is asked for", () => {
    expect(resolveConfig({}).chatUi).toBe("auto");
    expect(resolveConfig({ NEXT_PUBLIC_CHAT_UI: "builtin" }).chatUi).toBe("builtin");
    expect(resolveConfig({ NEXT_PUBLIC_CHAT_UI: "ChatKit" }).chatUi).toBe("chatkit");
    expect(resolveConfig({ NEXT_PUBLIC_CHAT_UI: "nonsense" }).chatUi).toBe("auto");
  });

  it("domain key comes from configuration", () => {
    expect(resolveConfig({ NEXT_PUBLIC_CHATKIT_DOMAIN_KEY: "domain_pk_123" }).chatkitDomainKey).toBe("domain_pk_123");
    expect(resolveConfig({}).chatkitDomainKey).toBeTruthy();
  });
});
