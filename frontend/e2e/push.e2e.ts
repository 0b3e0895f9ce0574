/**
 * Web Push in the browser (issue 13), in Debian's Chromium against a real server and a local fake push service.
 *
 * The machine has no network, so Chromium cannot reach a real push service (FCM): the test page's
 * `PushManager.prototype.subscribe` is replaced (init script) by one returning a subscription whose endpoint is
 * the fake push service started here, with keys this test holds. What is proven:
 *  (a) the subscription is made when the user enables notifications (adding a reminder), not on page load, and
 *      the server stores it; sign-out unsubscribes and the server forgets it;
 *  (b) a due reminder makes the server POST an aes128gcm-encrypted payload to the fake push service, which this
 *      test decrypts (RFC 8291) with the subscription's private key;
 *  (c) that payload, delivered to the app's service worker through the Chrome DevTools Protocol
 *      (`ServiceWorker.deliverPushMessage`), shows a notification with Done and Snooze
 *      (`registration.getNotifications()`); the page performs a Snooze carried in the URL the worker opens.
 * Not exercised: Chrome <-> FCM (the browser vendor's push service) itself, and a real click on the
 * notification (headless Chromium has no notification UI to click; the worker's click handler is not run).
 */

import { createDecipheriv, createECDH, createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { freePort, launchBrowser, newPage, poll, screenshot, signUp, TestServer, uniqueEmail, WAIT } from "./harness";

const b64url = (buf: Buffer) => buf.toString("base64url");

/** A VAPID key pair as the server's settings take it (base64url private scalar, uncompressed public point). */
function vapidKeys(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const priv = privateKey.export({ format: "jwk" });
  const pub = publicKey.export({ format: "jwk" });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(pub.x!, "base64url"), Buffer.from(pub.y!, "base64url")]);
  return { privateKey: priv.d!, publicKey: b64url(point) };
}

/** RFC 8291 / RFC 8188 (aes128gcm) decryption of one push message, as the browser would do it. */
function decryptPush(body: Buffer, uaPrivate: Buffer, uaPublic: Buffer, authSecret: Buffer): string {
  const salt = body.subarray(0, 16);
  const idlen = body[20];
  const asPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(uaPrivate);
  const secret = ecdh.computeSecret(asPublic);
  const hmac = (key: Buffer, data: Buffer) => createHmac("sha256", key).update(data).digest();
  const prkKey = hmac(authSecret, secret);
  const ikm = hmac(prkKey, Buffer.concat([Buffer.from("WebPush: info\0"), uaPublic, asPublic, Buffer.from([1])]));
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from("Content-Encoding: aes128gcm\0\x01")).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from("Content-Encoding: nonce\0\x01")).subarray(0, 12);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end > 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("not the last record");
  return padded.subarray(0, end).toString("utf8");
}

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

let server: TestServer;
let browser: Browser;
let push: Server;
const received: Received[] = [];
let pushPort = 0;
const vapid = vapidKeys();

beforeAll(async () => {
  pushPort = await freePort();
  push = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((resolve) => push.listen(pushPort, "127.0.0.1", resolve));
  server = new TestServer("push");
  await server.start({ env: { VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_SUBJECT: "mailto:ops@example.com" } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  await new Promise<void>((resolve) => (push ? push.close(() => resolve()) : resolve()));
});

function storedSubscriptions(): { user_id: string; endpoint: string; p256dh: string; auth: string }[] {
  return JSON.parse(server.python(`
import json
from sqlalchemy import select
from app import create_app
from app.extensions import db
from app.models import PushSubscription
app = create_app()
with app.app_context():
    print(json.dumps([{"user_id": s.user_id, "endpoint": s.endpoint, "p256dh": s.p256dh, "auth": s.auth}
                      for s in db.session.scalars(select(PushSubscription))]))
`)) as { user_id: string; endpoint: string; p256dh: string; auth: string }[];
}

describe("Web Push", () => {
  it("subscribes when notifications are enabled, gets an encrypted push for a due reminder, and the service worker shows it", async () => {
    const { context, page } = await newPage(browser, server.baseURL);
    await context.grantPermissions(["notifications"], { origin: server.baseURL });
    // The browser side of the subscription: a P-256 key pair and auth secret this test keeps, to decrypt.
    const ua = createECDH("prime256v1");
    ua.generateKeys();
    const authSecret = randomBytes(16);
    const endpoint = `http://127.0.0.1:${pushPort}/push/chromium-under-test`;
    await context.addInitScript(({ endpoint, p256dh, auth }) => {
      // Like a real browser, the permission and the subscription outlive a page load (kept in localStorage).
      type Fake = { subscribed: number; unsubscribed: number; keyBytes: number; userVisibleOnly: boolean | null; asked: boolean; active: boolean };
      const load = (): Fake => JSON.parse(localStorage.getItem("__fakepush") || "null") ?? { subscribed: 0, unsubscribed: 0, keyBytes: 0, userVisibleOnly: null, asked: false, active: false };
      const save = (change: Partial<Fake>) => localStorage.setItem("__fakepush", JSON.stringify({ ...load(), ...change }));
      // The page's permission is "default" until the app asks (the worker sees the real, granted one).
      Object.defineProperty(Notification, "permission", { get: () => (load().asked ? "granted" : "default"), configurable: true });
      Notification.requestPermission = async () => {
        save({ asked: true });
        return "granted";
      };
      const subscription = (options?: PushSubscriptionOptionsInit) => ({
        endpoint,
        expirationTime: null,
        options: options ?? { userVisibleOnly: true },
        getKey: () => null,
        toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
        unsubscribe: async () => {
          save({ unsubscribed: load().unsubscribed + 1, active: false });
          return true;
        },
      }) as unknown as PushSubscription;
      PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
        const key = options?.applicationServerKey ? new Uint8Array(options.applicationServerKey as ArrayBuffer).length : 0;
        save({ subscribed: load().subscribed + 1, userVisibleOnly: options?.userVisibleOnly ?? null, keyBytes: key, active: true });
        return subscription(options);
      };
      PushManager.prototype.getSubscription = async function () {
        return load().active ? subscription() : null;
      };
    }, { endpoint, p256dh: b64url(ua.getPublicKey()), auth: b64url(authSecret) });
    const counters = () =>
      page.evaluate(() => JSON.parse(localStorage.getItem("__fakepush") || '{"subscribed":0,"unsubscribed":0}') as { subscribed: number; unsubscribed: number; keyBytes: number; userVisibleOnly: boolean | null });
    try {
      await signUp(page, uniqueEmail("push"));
      const userId = await page.evaluate(() => JSON.parse(localStorage.getItem("todo-assistant.auth") || "{}").user.id as string);
      // The test's own session of the same user (the page keeps its token in memory).
      const signin = await fetch(`${server.baseURL}/api/auth/signin`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Connection: "close" },
        body: JSON.stringify({ email: await page.getByTestId("user-email").innerText(), password: "correct horse battery" }),
      });
      const access = ((await signin.json()) as { access_token: string }).access_token;
      const api = (path: string, init: RequestInit = {}) =>
        fetch(`${server.baseURL}/api/${userId}${path}`, { ...init, headers: { "Content-Type": "application/json", Authorization: `Bearer ${access}`, Connection: "close" } });

      // Not on page load: nothing subscribed yet.
      await page.waitForTimeout(500);
      expect((await counters()).subscribed).toBe(0);
      expect(storedSubscriptions()).toEqual([]);

      // (a) Adding a reminder is when notifications are asked for; once allowed, the browser subscribes.
      const res = await api("/tasks", { method: "POST", body: JSON.stringify({ title: "water the ferns", due_date: "2099-01-01", due_time: "09:00" }) });
      expect(res.status).toBe(201);
      const task = (await res.json()) as { id: number };
      await page.getByRole("button", { name: "Edit “water the ferns”" }).click();
      const picker = page.getByTestId("reminder-picker");
      await picker.getByRole("button", { name: "Add reminder" }).click();
      await poll(() => storedSubscriptions().map((s) => [s.user_id, s.endpoint])).toEqual([[userId, endpoint]]);
      const mine = await counters();
      expect(mine.subscribed).toBe(1);
      expect(mine.userVisibleOnly).toBe(true);
      expect(mine.keyBytes).toBe(65); // the server's VAPID public key, an uncompressed P-256 point
      const registered = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration("/"))?.active?.scriptURL ?? null);
      expect(registered).toBe(`${server.baseURL}/sw.js`);

      // (b) A reminder due in two seconds: the scheduler fires it and the server pushes it, encrypted.
      const at = new Date(Date.now() + 2000).toISOString();
      expect((await api(`/tasks/${task.id}/reminders`, { method: "POST", body: JSON.stringify({ remind_at: at }) })).status).toBe(201);
      await poll(() => received.length, WAIT.ui).toBeGreaterThan(0);
      const pushed = received[0];
      expect(pushed.path).toBe("/push/chromium-under-test");
      expect(pushed.headers["content-encoding"]).toBe("aes128gcm");
      expect(String(pushed.headers.authorization)).toContain(`k=${vapid.publicKey}`);
      expect(pushed.body.includes(Buffer.from("water the ferns"))).toBe(false);
      const plain = decryptPush(pushed.body, ua.getPrivateKey(), ua.getPublicKey(), authSecret);
      const message = JSON.parse(plain) as { type: string; title: string; task_id: number; reminder: { id: number } };
      expect([message.type, message.title, message.task_id]).toEqual(["reminder.due", "water the ferns", task.id]);

      // (c) The same payload delivered to the service worker through DevTools shows a notification.
      const cdp = await context.newCDPSession(page);
      const registrationId = new Promise<string>((resolve) => {
        cdp.on("ServiceWorker.workerRegistrationUpdated", (event: { registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] }) => {
          const found = event.registrations.find((r) => r.scopeURL === `${server.baseURL}/` && !r.isDeleted);
          if (found) resolve(found.registrationId);
        });
      });
      await cdp.send("ServiceWorker.enable");
      const worker = await registrationId;
      let deliveredAt = 0;
      const deliver = async () => {
        deliveredAt = Date.now();
        await cdp.send("ServiceWorker.deliverPushMessage", { origin: server.baseURL, registrationId: worker, data: plain });
      };
      await deliver();
      const shown = async () => {
        const notes = await page.evaluate(async () => {
          const reg = await navigator.serviceWorker.ready;
          return (await reg.getNotifications()).map((n) => ({ title: n.title, actions: (n as Notification & { actions?: { action: string }[] }).actions?.map((a) => a.action) ?? [] }));
        });
        // A push service delivers again until the browser takes the push; so does this test, every 3 s: on a
        // loaded machine Chromium has dropped a DevTools delivery while it started the worker. The
        // notification's tag (the reminder's id) makes a second delivery replace the first, never add one.
        if (notes.length === 0 && Date.now() - deliveredAt > 3000) await deliver();
        return notes;
      };
      await poll(shown).toEqual([{ title: "Reminder: water the ferns", actions: ["done", "snooze"] }]);
      await screenshot(page, "push-01-subscribed");

      // A click on Snooze with no window open makes the worker open /tasks with the action, which the page performs.
      await page.goto(`/tasks?reminder_action=snooze&reminder=${message.reminder.id}&task=${task.id}`);
      await poll(async () => {
        const listed = (await (await api("/reminders?status=scheduled")).json()) as { reminders: { id: number; remind_at: string }[] };
        const moved = listed.reminders.find((r) => r.id === message.reminder.id);
        return moved ? Math.round((new Date(moved.remind_at).getTime() - Date.now()) / 60_000) : null;
      }).toBeGreaterThanOrEqual(9);
      expect(new URL(page.url()).search).toBe("");

      // Sign-out: the browser unsubscribes and the server forgets the endpoint.
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL("**/signin");
      expect((await counters()).unsubscribed).toBe(1);
      await poll(() => storedSubscriptions()).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
