"use client";

import { useEffect, useRef } from "react";
import { auth, type AuthClient } from "./auth";
import { apiUrl } from "./config";
import { readSSE } from "./sse";
import type { Reminder } from "./reminders";
import type { Task } from "./tasks";

export type LiveEvent =
  | { type: "task.created" | "task.updated"; task: Task }
  | { type: "task.deleted"; task: { id: number } }
  | { type: "reminder.due"; reminder: Reminder; task: Task };

/**
 * The user's live event stream (GET /api/{id}/events) read with fetch streaming. Reconnects after a
 * drop with `Last-Event-ID`, so no event is lost or repeated; one handler call per event.
 */
export function useLiveEvents(userId: string | null, onEvent: (event: LiveEvent) => void, client: AuthClient = auth) {
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    if (!userId) return;
    const controller = new AbortController();
    let lastId = "";
    let delay = 500;

    async function run(): Promise<void> {
      while (!controller.signal.aborted) {
        try {
          const headers: Record<string, string> = { Accept: "text/event-stream" };
          if (lastId) headers["Last-Event-ID"] = lastId;
          const res = await client.authFetch(apiUrl(`/api/${encodeURIComponent(userId!)}/events`), {
            headers,
            signal: controller.signal,
          });
          if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
          delay = 500;
          await readSSE(
            res.body,
            (message) => {
              if (message.id) lastId = message.id;
              try {
                handler.current(JSON.parse(message.data) as LiveEvent);
              } catch {
                // a malformed event is skipped; the next one still arrives
              }
            },
            { signal: controller.signal, idleTimeoutMs: 45_000 },
          );
        } catch {
          if (controller.signal.aborted) return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 15_000);
      }
    }

    void run();
    return () => controller.abort();
  }, [userId, client]);
}
