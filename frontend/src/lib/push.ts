/**
 * Web Push in the browser (issue 13): the service worker at /sw.js and this browser's push subscription.
 *
 * `enablePush` runs when the user has just allowed notifications (after the permission question that adding a
 * reminder asks), or silently on a later visit when they already had: it registers the worker, subscribes
 * with the server's VAPID public key (`GET /push/config`) and registers the subscription with the server.
 * `disablePush` runs on sign-out: the browser unsubscribes and the server forgets the endpoint, so the next
 * person signing in on this browser never gets the previous one's reminders.
 */

import { auth, type AuthClient } from "./auth";
import { apiUrl } from "./config";
import { errorFromResponse } from "./http";

export const SERVICE_WORKER_URL = "/sw.js";

export type PushState = "subscribed" | "unsupported" | "off" | "denied";

/** A base64url string (the VAPID public key) as the bytes `applicationServerKey` takes. */
export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const b64 = value.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(value.length / 4) * 4, "=");
  const raw = atob(b64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function supported(): boolean {
  return typeof window !== "undefined" && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

async function existingRegistration(): Promise<ServiceWorkerRegistration | undefined> {
  return (await navigator.serviceWorker.getRegistration("/")) ?? undefined;
}

/** Subscribe this browser to the user's reminders by Web Push (no prompt: permission must be granted already). */
export async function enablePush(userId: string, client: AuthClient = auth): Promise<PushState> {
  if (!supported()) return "unsupported";
  if (Notification.permission !== "granted") return "denied";
  const base = apiUrl(`/api/${encodeURIComponent(userId)}/push`);
  const res = await client.authFetch(`${base}/config`);
  if (!res.ok) throw await errorFromResponse(res);
  const cfg = (await res.json()) as { enabled: boolean; public_key: string };
  if (!cfg.enabled) return "off";
  await navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: "/" });
  const registration = await navigator.serviceWorker.ready;
  const subscription =
    (await registration.pushManager.getSubscription()) ??
    (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(cfg.public_key) }));
  const saved = await client.authFetch(`${base}/subscriptions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(subscription.toJSON()),
  });
  if (!saved.ok) throw await errorFromResponse(saved);
  return "subscribed";
}

/** Before signing out: unsubscribe this browser and have the server forget it (best effort, never throws). */
export async function disablePush(userId: string, client: AuthClient = auth): Promise<void> {
  if (!supported()) return;
  try {
    const registration = await existingRegistration();
    const subscription = await registration?.pushManager.getSubscription();
    if (!subscription) return;
    const endpoint = subscription.endpoint;
    await subscription.unsubscribe();
    await client.authFetch(
      apiUrl(`/api/${encodeURIComponent(userId)}/push/subscriptions?endpoint=${encodeURIComponent(endpoint)}`),
      { method: "DELETE" },
    );
  } catch {
    // offline or already gone: a push to an unsubscribed endpoint is refused (410) and the server forgets it then
  }
}

/** What a click on a reminder notification asks of the page (from the service worker, or the URL it opened). */
export interface ReminderAction {
  action: "done" | "snooze" | "open";
  reminderId: number | null;
  taskId: number | null;
}

/** A `todo-reminder-action` message from the service worker, or null for anything else. */
export function readWorkerMessage(data: unknown): ReminderAction | null {
  if (!data || typeof data !== "object") return null;
  const msg = data as { type?: unknown; action?: unknown; reminderId?: unknown; taskId?: unknown };
  if (msg.type !== "todo-reminder-action") return null;
  if (msg.action !== "done" && msg.action !== "snooze" && msg.action !== "open") return null;
  const id = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : null);
  return { action: msg.action, reminderId: id(msg.reminderId), taskId: id(msg.taskId) };
}

/** The action in the tasks page's URL (`?reminder_action=done&reminder=ID&task=ID`), or null. */
export function readUrlAction(search: string): ReminderAction | null {
  const params = new URLSearchParams(search);
  const action = params.get("reminder_action");
  const num = (name: string) => {
    const v = Number(params.get(name));
    return Number.isInteger(v) && v > 0 ? v : null;
  };
  return readWorkerMessage({ type: "todo-reminder-action", action, reminderId: num("reminder"), taskId: num("task") });
}
