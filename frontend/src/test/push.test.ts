import { describe, expect, it } from "vitest";
import { base64UrlToBytes, readUrlAction, readWorkerMessage } from "@/lib/push";

describe("Web Push helpers", () => {
  it("turns the server's base64url VAPID key into the 65 bytes of an uncompressed P-256 point", () => {
    const key = "BAAB" + "A".repeat(83);
    const bytes = base64UrlToBytes(key);
    expect(bytes.length).toBe(65);
    expect(bytes[0]).toBe(4);
    expect(Array.from(base64UrlToBytes("-_8"))).toEqual([251, 255]);
  });

  it("accepts only the service worker's reminder actions", () => {
    expect(readWorkerMessage({ type: "todo-reminder-action", action: "snooze", reminderId: 7, taskId: 3 })).toEqual({ action: "snooze", reminderId: 7, taskId: 3 });
    expect(readWorkerMessage({ type: "todo-reminder-action", action: "done", reminderId: "7", taskId: 1.5 })).toEqual({ action: "done", reminderId: null, taskId: null });
    for (const bad of [null, "done", { type: "other", action: "done" }, { type: "todo-reminder-action", action: "delete" }]) {
      expect(readWorkerMessage(bad)).toBeNull();
    }
  });

  it("reads the action a notification click put in the tasks page's URL", () => {
    expect(readUrlAction("?reminder_action=done&reminder=12&task=4")).toEqual({ action: "done", reminderId: 12, taskId: 4 });
    expect(readUrlAction("?reminder_action=snooze&reminder=-1&task=x")).toEqual({ action: "snooze", reminderId: null, taskId: null });
    expect(readUrlAction("?status=pending")).toBeNull();
    expect(readUrlAction("?reminder_action=drop&reminder=1")).toBeNull();
  });
});
