/**
 * The app in a real browser against a real server: sign-up, chatting a task into existence, completing
 * it from the list, finding the conversation again after a reload, signing out, isolation between users,
 * the task list's own features, and the backend dying mid-chat.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { apiSignup, chat, launchBrowser, newPage, openAssistant, poll, screenshot, signedUpPage, signUp, taskRow, TestServer, todayUTC, uniqueEmail, WAIT } from "./harness";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = new TestServer("app");
  await server.start();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

/** The titles of the task rows on screen, sorted (from each row's "Edit “title”" button). */
async function rowTitles(page: Page): Promise<string[]> {
  const labels = await page.getByTestId("task-row").getByRole("button", { name: /^Edit “/ }).evaluateAll(
    (buttons) => buttons.map((b) => b.getAttribute("aria-label") ?? b.textContent ?? ""));
  return labels.map((label) => label.replace(/^Edit “(.*)”$/, "$1")).sort();
}

describe("Todo Assistant in the browser", () => {
  it("serves the pages and keeps the API routes intact", async () => {
    for (const path of ["/", "/signin", "/signup", "/tasks"]) {
      const res = await fetch(server.baseURL + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/html");
    }
    expect((await fetch(`${server.baseURL}/healthz`)).headers.get("content-type")).toContain("application/json");
    const api404 = await fetch(`${server.baseURL}/api/definitely-not-a-route`);
    expect(api404.status).toBe(404);
    expect(((await api404.json()) as { error: { code: string } }).error.code).toBe("not_found");
    const unknown = await fetch(`${server.baseURL}/some/client/route`);
    expect(unknown.status).toBe(200);
  });

  it("sign up, add a task by chatting, see it with its due date, complete it, the chat reopens after a reload, sign out", async () => {
    const { context, page } = await newPage(browser, server.baseURL);
    const problems: string[] = [];
    page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error" || msg.type() === "warning") problems.push(`${msg.type()}: ${msg.text()}`);
    });
    try {
      await page.goto("/signup");
      await screenshot(page, "01-signup");
      await page.goto("/signin");
      await screenshot(page, "02-signin");

      const email = uniqueEmail("ada");
      await signUp(page, email, "correct horse battery", "Ada");
      await page.getByTestId("empty-state").waitFor();
      await screenshot(page, "03-tasks-empty");

      // Chat a task into existence.
      await openAssistant(page);
      await screenshot(page, "04-assistant-start");
      await chat(page, "add buy milk tomorrow");
      await page.getByTestId("msg-user").filter({ hasText: "add buy milk tomorrow" }).waitFor();
      const answer = page.getByTestId("msg-assistant").filter({ hasText: /buy milk/i });
      await answer.waitFor({ timeout: WAIT.turn });
      await page.waitForFunction(() => !document.querySelector("[data-streaming]"), undefined, { timeout: WAIT.turn });

      // The list refreshed by itself: the task is there, due tomorrow.
      const row = taskRow(page, "buy milk");
      await row.waitFor();
      await poll(() => row.getByTestId("task-due").textContent()).toContain("Tomorrow");
      expect(await row.getByTestId("task-due").getAttribute("title")).toContain(todayUTC(1));
      await screenshot(page, "05-tasks-with-assistant");

      // Complete it from the list.
      await page.getByRole("button", { name: "Close the assistant" }).click();
      // Click, not check(): the completed row may leave the open list before check() could see it ticked.
      await row.getByRole("checkbox").click();
      await poll(async () => (await taskRow(page, "buy milk").count()) === 0 || (await taskRow(page, "buy milk").getAttribute("data-completed")) === "true").toBe(true);
      await page.getByRole("radio", { name: "Done" }).click();
      await taskRow(page, "buy milk").waitFor();
      expect(await taskRow(page, "buy milk").getByRole("checkbox").isChecked()).toBe(true);
      await screenshot(page, "06-tasks-done");

      // Reload: the conversation is in the history (served by the server, not kept in the browser).
      const stored = await page.evaluate(() => ({ ...localStorage }));
      expect(Object.keys(stored)).toEqual(["todo-assistant.auth"]);
      expect(JSON.stringify(stored)).not.toContain("buy milk");
      // The refresh token is out of the page's reach: not in web storage, not in document.cookie,
      // only in an HttpOnly cookie the browser sends to /api/auth.
      const jar = await page.context().cookies();
      const refreshCookie = jar.find((c) => c.name === "refresh_token_cookie");
      expect(refreshCookie?.httpOnly).toBe(true);
      expect(refreshCookie?.sameSite).toBe("Strict");
      expect(refreshCookie?.path).toBe("/api/auth");
      const visible = await page.evaluate(() => document.cookie + JSON.stringify({ ...localStorage }));
      expect(visible).not.toContain(refreshCookie!.value);
      expect(visible).not.toContain("refresh_token_cookie");
      expect(visible).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT at all
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
      await page.reload();
      await page.getByLabel("New task").waitFor();
      await openAssistant(page);
      // It reopens on the conversation used last (the server's order, not local storage).
      await page.getByTestId("msg-assistant").filter({ hasText: /buy milk/i }).waitFor();
      expect(await page.getByTestId("chat-title").textContent()).toBe("add buy milk tomorrow");
      await page.getByRole("button", { name: "Conversation history" }).click();
      await page.getByTestId("thread-item").filter({ hasText: "add buy milk tomorrow" }).waitFor();
      await screenshot(page, "07-assistant-history");
      await page.getByRole("button", { name: "Back to the conversation" }).click();
      await page.getByRole("button", { name: "Close the assistant" }).click();

      // Sign out: back to sign-in, tokens gone, the tasks page no longer opens.
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL("**/signin");
      expect(await page.evaluate(() => localStorage.length)).toBe(0);
      await page.goto("/tasks");
      await page.waitForURL("**/signin");
      // No script errors, hydration warnings or failed requests along the way.
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("another user's data never shows", async () => {
    // Ada has a task and a conversation.
    const ada = await newPage(browser, server.baseURL);
    const adaEmail = uniqueEmail("ada2");
    let adaId = "";
    try {
      await signUp(ada.page, adaEmail);
      await ada.page.getByLabel("New task").fill("Ada's secret plan");
      await ada.page.getByLabel("New task").press("Enter");
      await taskRow(ada.page, "Ada's secret plan").waitFor();
      await openAssistant(ada.page);
      await chat(ada.page, "add water the plants on friday");
      await ada.page.getByTestId("msg-assistant").first().waitFor({ timeout: WAIT.turn });
      await ada.page.waitForFunction(() => !document.querySelector("[data-streaming]"), undefined, { timeout: WAIT.turn });
      adaId = await ada.page.evaluate(() => JSON.parse(localStorage.getItem("todo-assistant.auth") || "{}").user.id);
    } finally {
      await ada.context.close();
    }

    // Bob signs up in his own browser context and sees nothing of Ada's.
    const bob = await newPage(browser, server.baseURL);
    try {
      await signUp(bob.page, uniqueEmail("bob"));
      await bob.page.getByTestId("empty-state").waitFor();
      await bob.page.getByRole("radio", { name: "All" }).click();
      await bob.page.getByTestId("empty-state").waitFor();
      expect(await bob.page.getByText("Ada's secret plan").count()).toBe(0);
      await openAssistant(bob.page);
      await bob.page.getByText("What can I help with?").waitFor();
      expect(await bob.page.getByTestId("recent-thread").count()).toBe(0);
      await bob.page.getByRole("button", { name: "Conversation history" }).click();
      await bob.page.getByText("No conversations yet.").waitFor();
    } finally {
      await bob.context.close();
    }

    // And the API refuses Bob on Ada's paths, or answers 404 for her objects.
    const mallory = await apiSignup(server.baseURL, uniqueEmail("mallory"));
    const auth = { Authorization: `Bearer ${mallory.access_token}`, "Content-Type": "application/json" };
    expect((await fetch(`${server.baseURL}/api/${adaId}/tasks`, { headers: auth })).status).toBe(403);
    const probe = await fetch(`${server.baseURL}/api/${mallory.user.id}/chatkit`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ type: "items.list", params: { thread_id: "thr_1" } }),
    });
    expect(probe.status).toBe(404);
  });

  it("manages tasks from the list: details, inline edit, filters, search, sort, delete; keyboard and phone", async () => {
    const { context, page } = await signedUpPage(browser, server.baseURL, "grace");
    try {
      // Keyboard: N focuses the new-task field.
      await page.locator("body").press("n");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("new-task-title");
      await page.keyboard.type("Write the report");
      await page.getByRole("button", { name: "More options" }).click();
      await page.getByLabel("Priority", { exact: true }).selectOption("high");
      await page.getByLabel("Due date", { exact: true }).fill(todayUTC(0));
      await page.getByLabel("Tags", { exact: true }).fill("work, #urgent");
      await page.getByRole("button", { name: "Add", exact: true }).click();
      const report = taskRow(page, "Write the report");
      await report.waitFor();
      expect(await report.textContent()).toContain("High");
      expect(await report.textContent()).toContain("#work");
      expect(await report.textContent()).toContain("#urgent");
      expect(await report.getByTestId("task-due").textContent()).toContain("Today");

      await page.getByLabel("New task").fill("Call grandma");
      await page.getByLabel("New task").press("Enter");
      await taskRow(page, "Call grandma").waitFor();

      // Inline edit: rename and set a low priority; Escape cancels.
      await page.getByRole("button", { name: "Edit “Call grandma”" }).click();
      const title = page.getByLabel("Title");
      await title.fill("Call grandma at 7pm");
      await page.getByLabel("Priority", { exact: true }).last().selectOption("low");
      await page.getByRole("button", { name: "Save" }).click();
      await taskRow(page, "Call grandma at 7pm").waitFor();
      await page.getByRole("button", { name: "Edit “Call grandma at 7pm”" }).click();
      await page.getByLabel("Title").press("Escape");
      await taskRow(page, "Call grandma at 7pm").waitFor();

      // Filters and search: each step waits until the list shows exactly that filter's rows (a count alone could
      // still be the previous filter's list while the new one loads).
      const both = ["Call grandma at 7pm", "Write the report"];
      await poll(() => rowTitles(page)).toEqual(both);
      await page.locator("#filter-priority").selectOption("high");
      await poll(() => rowTitles(page)).toEqual(["Write the report"]);
      await page.locator("#filter-priority").selectOption("");
      await poll(() => rowTitles(page)).toEqual(both);
      await page.getByRole("button", { name: "#work" }).click();
      await poll(() => rowTitles(page)).toEqual(["Write the report"]);
      await page.locator("#filter-tag").selectOption("");
      await poll(() => rowTitles(page)).toEqual(both);
      await page.locator("#filter-due").selectOption("today");
      await poll(() => rowTitles(page)).toEqual(["Write the report"]);
      await page.locator("#filter-due").selectOption("any");
      await poll(() => rowTitles(page)).toEqual(both);
      await page.locator("body").press("/");
      await page.keyboard.type("grandma");
      await poll(() => rowTitles(page)).toEqual(["Call grandma at 7pm"]);
      await page.getByLabel("Search tasks").fill("nothing like this");
      await page.getByText("No tasks match these filters.").waitFor();
      await page.getByRole("button", { name: "Clear filters" }).click();
      await poll(() => rowTitles(page)).toEqual(both);

      // Sort by title: A to Z, its natural direction.
      await page.locator("#sort").selectOption("title");
      await page.getByRole("button", { name: /^Ascending/ }).waitFor();
      await poll(async () => (await page.getByTestId("task-row").first().textContent()) ?? "").toContain("Call grandma");
      await screenshot(page, "08-tasks-list");

      // Phone size.
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, "09-tasks-phone");
      await openAssistant(page);
      await screenshot(page, "10-assistant-phone");
      await page.keyboard.press("Escape");
      await page.setViewportSize({ width: 1280, height: 860 });

      // Delete (two steps).
      await page.getByRole("button", { name: "Delete “Call grandma at 7pm”" }).click();
      await page.getByRole("button", { name: "Confirm deleting “Call grandma at 7pm”" }).click();
      await poll(() => taskRow(page, "Call grandma at 7pm").count()).toBe(0);
      await page.reload();
      await taskRow(page, "Write the report").waitFor();
      expect(await taskRow(page, "Call grandma at 7pm").count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("the backend stopped mid-chat: an error with a retry button within a second; retry works once it is back", async () => {
    const { context, page } = await signedUpPage(browser, server.baseURL, "linus");
    try {
      // A slow model, so the reply is still streaming when the server dies.
      await server.stop();
      await server.start({ env: { SLOW_MODEL_FIRST_TOKEN_MS: "300", SLOW_MODEL_TOKEN_MS: "400" } });
      await openAssistant(page);
      await chat(page, "add call the plumber tomorrow");
      await page.locator("[data-streaming]").waitFor({ timeout: WAIT.turn });
      await page.waitForFunction(() => (document.querySelector("[data-streaming]")?.textContent ?? "").trim().length > 0, undefined, { timeout: WAIT.turn });

      const killedAt = Date.now();
      await server.stop("SIGKILL");
      await page.getByTestId("chat-error").waitFor({ timeout: 5_000 });
      const shownAfter = Date.now() - killedAt;
      console.log(`[e2e] error shown ${shownAfter} ms after the backend was killed`);
      expect(shownAfter).toBeLessThan(1500); // includes the test's own polling latency
      expect(await page.getByTestId("chat-error").textContent()).toMatch(/lost|reach/i);
      await screenshot(page, "11-assistant-error");

      await server.start();
      await page.getByTestId("chat-error").getByRole("button", { name: "Retry" }).click();
      await page.waitForFunction(() => !document.querySelector("[data-testid=chat-error]") && !document.querySelector("[data-streaming]"), undefined, { timeout: WAIT.turn });
      const answers = page.getByTestId("msg-assistant");
      await poll(async () => (await answers.last().textContent()) ?? "", WAIT.turn).toMatch(/plumber/i);
      // The user's message was stored once.
      expect(await page.getByTestId("msg-user").filter({ hasText: "add call the plumber tomorrow" }).count()).toBe(1);
      await taskRow(page, "call the plumber").first().waitFor();
    } finally {
      await context.close();
      await server.stop();
      await server.start();
    }
    // Four server restarts on a loaded 2-core machine: minutes, not the default two.
  }, 300_000);
});
