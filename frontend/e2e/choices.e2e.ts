/**
 * Issue 14, "disambiguation a person can act on", in a real browser against a real server: with two tasks
 * titled the same, the assistant's which-one question shows its options as buttons, and clicking one answers it
 * (as the option's number, through the composer's send path) so that exactly that task is completed.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page, Request } from "playwright-core";
import { apiSignup, chat, launchBrowser, newPage, openAssistant, poll, screenshot, signIn, TestServer, todayUTC, uniqueEmail, WAIT } from "./harness";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = new TestServer("choices");
  await server.start();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

interface Task {
  id: number;
  title: string;
  completed: boolean;
  due_date: string | null;
}

/** A user made through the API, and an authenticated caller of its task API. */
async function apiAccount(email: string) {
  const body = await apiSignup(server.baseURL, email);
  return async (method: string, path: string, json?: unknown): Promise<Task> => {
    const r = await fetch(`${server.baseURL}/api/${body.user.id}${path}`, {
      method,
      headers: { Authorization: `Bearer ${body.access_token}`, "Content-Type": "application/json" },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    expect(r.ok).toBe(true);
    return (await r.json()) as Task;
  };
}

/** The short day the assistant shows for a date ("Dec 9"), matched as a whole ("Dec 2" is not in "Dec 20"). */
function shortDay(iso: string): RegExp {
  const d = new Date(`${iso}T00:00:00Z`);
  const month = d.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  return new RegExp(`\\b${month} ${d.getUTCDate()}\\b`);
}

/** Every ChatKit request the page sends: its type, input text and Idempotency-Key. */
function recordChatKit(page: Page): { type: string; text: string; key: string | null }[] {
  const seen: { type: string; text: string; key: string | null }[] = [];
  page.on("request", (req: Request) => {
    if (!req.url().endsWith("/chatkit") || req.method() !== "POST") return;
    try {
      const body = JSON.parse(req.postData() || "{}");
      const text = body.params?.input?.content?.[0]?.text ?? "";
      seen.push({ type: body.type, text, key: req.headers()["idempotency-key"] ?? null });
    } catch {
      // not JSON
    }
  });
  return seen;
}

describe("which-one questions answered by a click (issue 14)", () => {
  it("two 'buy bread' tasks: the options are buttons, clicking the second completes exactly that task", async () => {
    const email = uniqueEmail("choices");
    const call = await apiAccount(email);
    const soon = await call("POST", "/tasks", { title: "buy bread", due_date: todayUTC(2) });
    const later = await call("POST", "/tasks", { title: "buy bread", due_date: todayUTC(20) });

    const { context, page } = await newPage(browser, server.baseURL);
    page.setDefaultTimeout(WAIT.turn);
    const sent = recordChatKit(page);
    try {
      await signIn(page, email);
      await openAssistant(page);
      await chat(page, "complete buy bread");

      const group = page.getByRole("group", { name: "Choose one" });
      await group.waitFor({ timeout: WAIT.turn });
      const options = group.getByRole("button");
      await poll(() => options.count()).toBe(2);
      const labels = await options.allTextContents();
      expect(labels.every((l) => l.includes("buy bread"))).toBe(true);
      // The options tell the tasks apart by their due dates, one each.
      const soonAt = labels.findIndex((l) => shortDay(soon.due_date!).test(l));
      const laterAt = labels.findIndex((l) => shortDay(later.due_date!).test(l));
      expect([soonAt, laterAt].sort()).toEqual([0, 1]);
      const [chosen, other] = laterAt === 1 ? [later, soon] : [soon, later];
      await screenshot(page, "choices-question");

      await poll(() => options.nth(1).isEnabled()).toBe(true);
      await options.nth(1).click();
      // The answer goes out as the user's message "2", with an Idempotency-Key, like the composer's.
      await poll(() => sent.filter((r) => r.type === "threads.add_user_message").map((r) => r.text)).toEqual(["2"]);
      expect(sent.find((r) => r.type === "threads.add_user_message")?.key).toBeTruthy();
      await page.getByTestId("msg-user").filter({ hasText: /^2$/ }).waitFor();

      await poll(async () => (await call("GET", `/tasks/${chosen.id}`)).completed, WAIT.turn).toBe(true);
      expect((await call("GET", `/tasks/${other.id}`)).completed).toBe(false);
      // Answered: the question's options are no longer offered.
      await poll(() => page.getByRole("group", { name: "Choose one" }).count()).toBe(0);
      await screenshot(page, "choices-answered");
    } finally {
      await context.close();
    }
  });
});
