import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// next/dynamic -> a plain lazy import that resolves in tests.
vi.mock("next/dynamic", async () => {
  const React = await import("react");
  return {
    default: (loader: () => Promise<{ default: React.ComponentType<Record<string, unknown>> }>) =>
      function Dynamic(props: Record<string, unknown>) {
        const [C, setC] = React.useState<React.ComponentType<Record<string, unknown>> | null>(null);
        React.useEffect(() => {
          loader().then((m) => setC(() => m.default));
        }, []);
        return C ? React.createElement(C, props) : null;
      },
  };
});

const captured: { options?: Record<string, any> } = {};
vi.mock("@openai/chatkit-react", async () => {
  const React = await import("react");
  return {
    useChatKit: (options: Record<string, unknown>) => {
      captured.options = options;
      return { control: { options, handlers: {}, setInstance: () => undefined }, ref: { current: null } };
    },
    ChatKit: () => React.createElement("div", { "data-testid": "chatkit-ui" }),
  };
});

const loadChatKit = vi.fn<(src: string, ms: number) => Promise<boolean>>();
vi.mock("@/lib/loadChatKit", () => ({ loadChatKit: (src: string, ms: number) => loadChatKit(src, ms) }));

vi.mock("@/components/BuiltinChatPanel", async () => {
  const React = await import("react");
  return { default: () => React.createElement("div", { "data-testid": "builtin-ui" }) };
});

const authFetch = vi.fn(async (_url: string, _init: RequestInit) => new Response("{}"));
vi.mock("@/lib/auth", () => ({ auth: { authFetch: (url: string, init: RequestInit) => authFetch(url, init) } }));

import ChatAssistant from "@/components/ChatAssistant";
import { config } from "@/lib/config";

afterEach(cleanup);
beforeEach(() => {
  loadChatKit.mockReset();
  authFetch.mockClear();
  captured.options = undefined;
});

const props = { userId: "u_42", open: true, onClose: () => undefined, onTasksChanged: vi.fn() };

describe("ChatAssistant", () => {
  it("uses ChatKit's UI when its web component loads, configured with our endpoint, JWT fetch, domain key, history, retry and feedback", async () => {
    loadChatKit.mockResolvedValue(true);
    render(<ChatAssistant {...props} />);
    await screen.findByTestId("chatkit-ui");
    expect(loadChatKit).toHaveBeenCalledWith(config.chatkitScriptUrl, config.chatkitLoadTimeoutMs);
    const o = captured.options!;
    expect(o.api.url).toBe("/api/u_42/chatkit");
    expect(o.api.domainKey).toBe(config.chatkitDomainKey);
    expect(o.history).toMatchObject({ enabled: true });
    expect(o.threadItemActions).toEqual({ feedback: true, retry: true });
    // ChatKit's requests go through the auth client (which adds the bearer token).
    await o.api.fetch("/api/u_42/chatkit", { method: "POST", body: "{}" });
    expect(authFetch).toHaveBeenCalledWith("/api/u_42/chatkit", { method: "POST", body: "{}" });
    // A finished response refreshes the task list.
    o.onResponseEnd();
    expect(props.onTasksChanged).toHaveBeenCalled();
  });

  it("falls back to the built-in panel when ChatKit fails before it is ready (e.g. domain key refused)", async () => {
    loadChatKit.mockResolvedValue(true);
    render(<ChatAssistant {...props} />);
    await screen.findByTestId("chatkit-ui");
    const { act } = await import("@testing-library/react");
    act(() => captured.options!.onError({ error: new Error("domain not allowed") }));
    await screen.findByTestId("builtin-ui");
  });

  it("falls back to the built-in panel when ChatKit cannot load (offline / CDN blocked / timeout)", async () => {
    loadChatKit.mockResolvedValue(false);
    render(<ChatAssistant {...props} />);
    await screen.findByTestId("builtin-ui");
    expect(screen.queryByTestId("chatkit-ui")).toBeNull();
  });
});

describe("loadChatKit", () => {
  it("resolves false on a script error and does not hang", async () => {
    const { loadChatKit: real } = await vi.importActual<typeof import("@/lib/loadChatKit")>("@/lib/loadChatKit");
    const done = real("https://cdn.invalid/chatkit.js", 5000);
    const script = document.querySelector("script[data-chatkit]") as HTMLScriptElement;
    expect(script?.src).toBe("https://cdn.invalid/chatkit.js");
    script.dispatchEvent(new Event("error"));
    await expect(done).resolves.toBe(false);
  });

  it("resolves false after the timeout when the element never gets defined", async () => {
    vi.useFakeTimers();
    try {
      const { loadChatKit: real } = await vi.importActual<typeof import("@/lib/loadChatKit")>("@/lib/loadChatKit");
      const done = real("https://cdn.invalid/chatkit2.js", 3000);
      await vi.advanceTimersByTimeAsync(3100);
      await expect(done).resolves.toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it("resolves true once <openai-chatkit> is defined", async () => {
    const { loadChatKit: real } = await vi.importActual<typeof import("@/lib/loadChatKit")>("@/lib/loadChatKit");
    const done = real("https://cdn.invalid/chatkit3.js", 5000);
    customElements.define("openai-chatkit", class extends HTMLElement {});
    await waitFor(async () => expect(await done).toBe(true));
  });
});
