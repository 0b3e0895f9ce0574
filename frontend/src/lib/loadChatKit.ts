/**
 * Load ChatKit's web component (`<openai-chatkit>`) from its CDN, once. Resolves false when it cannot
 * (script error, offline, blocked) or is not defined within the timeout, so the caller falls back to the
 * built-in panel.
 */

let pending: Promise<boolean> | null = null;

export function loadChatKit(src: string, timeoutMs: number): Promise<boolean> {
  if (typeof window === "undefined" || typeof customElements === "undefined") return Promise.resolve(false);
  if (customElements.get("openai-chatkit")) return Promise.resolve(true);
  if (pending) return pending;
  pending = new Promise<boolean>((resolve) => {
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!ok) pending = null; // a later open may try again (e.g. back online)
      resolve(ok);
    };
    const timer = setTimeout(() => finish(!!customElements.get("openai-chatkit")), timeoutMs);
    customElements.whenDefined("openai-chatkit").then(() => finish(true), () => finish(false));
    let script = document.querySelector<HTMLScriptElement>("script[data-chatkit]");
    if (!script) {
      script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.dataset.chatkit = "1";
      script.crossOrigin = "anonymous";
      script.addEventListener("error", () => {
        script?.remove();
        finish(false);
      });
      document.head.appendChild(script);
    }
  });
  return pending;
}
