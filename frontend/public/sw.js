/*
 * The app's service worker (Web Push, issue 13). Served from the app's origin at /sw.js (the CSP's
 * script-src 'self' covers it; scope "/"). It only handles pushes and clicks on their notifications:
 * no caching, no fetch handler.
 *
 * A push is the server's JSON {type: "reminder.due", title, reminder, task_id}: it shows a notification
 * with Done and Snooze. A click hands the action to an open window of the app (which holds the session:
 * the worker never sees a token) and focuses it; with no window open, it opens the tasks page with the
 * action in the URL, which the page performs once signed in.
 */

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: event.data ? event.data.text() : "" };
  }
  const reminder = data.reminder || {};
  const title = `Reminder: ${data.title || "a task"}`;
  const body = reminder.late ? "Missed while you were away" : "Due now";
  event.waitUntil(
    self.registration.showNotification(title, {
      body,
      tag: reminder.id ? `reminder-${reminder.id}` : undefined,
      data: { reminderId: reminder.id || null, taskId: data.task_id || reminder.task_id || null },
      actions: [
        { action: "done", title: "Done" },
        { action: "snooze", title: "Snooze 10 min" },
      ],
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const { reminderId, taskId } = event.notification.data || {};
  const action = event.action === "done" || event.action === "snooze" ? event.action : "open";
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      if (windows.length > 0) {
        const target = windows.find((w) => w.focused) || windows[0];
        target.postMessage({ type: "todo-reminder-action", action, reminderId, taskId });
        return target.focus();
      }
      const query = action === "open" ? "" : `?reminder_action=${action}&reminder=${reminderId}&task=${taskId}`;
      return self.clients.openWindow(`/tasks${query}`);
    })(),
  );
});
