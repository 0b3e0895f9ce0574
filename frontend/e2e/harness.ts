/**
 * Browser-test harness: a real server (gunicorn from the repo, a temp SQLite database migrated with the
 * project's CLI) and Debian's Chromium driven by playwright-core. No browser is ever downloaded.
 */

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";

export const ROOT = process.env.TODO_ROOT || fileURLToPath(new URL("../..", import.meta.url));
export const FRONTEND = join(ROOT, "frontend");
export const ARTIFACTS = join(ROOT, "test-artifacts");
export const SCREENSHOTS = join(ARTIFACTS, "screenshots");
const VENV_BIN = join(ROOT, ".venv", "bin");
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerOptions {
  /** Extra environment (e.g. SLOW_MODEL_TOKEN_MS). */
  env?: Record<string, string>;
}

/** gunicorn serving the app and the built frontend on a free port, with its own temp database. */
export class TestServer {
  readonly instance: string;
  port = 0;
  private proc: ChildProcess | null = null;
  private runs = 0;

  constructor(private readonly name: string) {
    this.instance = mkdtempSync(join(tmpdir(), `todo-e2e-${name}-`));
  }

  get baseURL(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get dbPath(): string {
    return join(this.instance, "todo.db");
  }

  private env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      TODO_MODE: "developer",
      TODO_INSTANCE_PATH: this.instance,
      PORT: String(this.port),
      HOST: "127.0.0.1",
      WEB_CONCURRENCY: "2",
      ACCESS_LOG: "",
      LOG_LEVEL: "warning",
      // Always the embedded model on the temp SQLite database, whatever the caller's environment says.
      DATABASE_URL: "",
      TODO_MODEL: "local",
      OPENAI_API_KEY: "",
      OPENAI_BASE_URL: "",
      RATELIMIT_AUTH: "1000 per minute",
      RATELIMIT_DEFAULT: "100000 per minute",
      RATELIMIT_CHAT: "1000 per minute",
      ...extra,
    };
  }

  migrate(): void {
    const res = spawnSync(join(VENV_BIN, "flask"), ["--app", "app:create_app", "todo", "db", "upgrade"], {
      cwd: ROOT,
      env: this.env(),
      encoding: "utf8",
    });
    if (res.status !== 0) throw new Error(`migration failed: ${res.stderr || res.stdout}`);
  }

  async start(opts: ServerOptions = {}): Promise<void> {
    if (!this.port) this.port = await freePort();
    if (this.runs === 0) this.migrate();
    mkdirSync(ARTIFACTS, { recursive: true });
    const log = createWriteStream(join(ARTIFACTS, `e2e-server-${this.name}-${++this.runs}.log`));
    // Its own process group, so master and workers can be stopped (or killed) together.
    this.proc = spawn(join(VENV_BIN, "gunicorn"), ["-c", "gunicorn.conf.py"], { cwd: ROOT, env: this.env(opts.env), detached: true, stdio: ["ignore", "pipe", "pipe"] });
    this.proc.stdout?.pipe(log);
    this.proc.stderr?.pipe(log);
    const deadline = Date.now() + WAIT.server;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`gunicorn exited with ${this.proc.exitCode}; see test-artifacts/e2e-server-${this.name}-${this.runs}.log`);
      try {
        const res = await fetch(`${this.baseURL}/readyz`);
        if (res.ok) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`gunicorn did not become ready in ${WAIT.server / 1000} s`);
  }

  /** Stop the server: SIGKILL simulates a crash (connections just drop), SIGQUIT is gunicorn's quick shutdown. */
  async stop(signal: NodeJS.Signals = "SIGQUIT"): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.pid === undefined) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    try {
      process.kill(-proc.pid, signal);
    } catch {
      // already gone
    }
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 15_000));
    await Promise.race([exited, timeout]);
    if (proc.exitCode === null && proc.signalCode === null) {
      try {
        process.kill(-proc.pid, "SIGKILL");
      } catch {
        // gone
      }
      await exited;
    }
    // Give the workers a moment to release the port.
    await new Promise((r) => setTimeout(r, signal === "SIGKILL" ? 300 : 100));
    this.proc = null;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.instance, { recursive: true, force: true });
  }

  /** Run a Python snippet against this server's database, with the app's environment. */
  python(code: string): string {
    const res = spawnSync(join(VENV_BIN, "python"), ["-c", code], { cwd: ROOT, env: this.env(), encoding: "utf8" });
    if (res.status !== 0) throw new Error(`python failed: ${res.stderr}`);
    return res.stdout;
  }
}

/**
 * How long the browser tests wait, tied to what a person waits for on a loaded 2-core machine, never a library's
 * default (Vitest's `expect.poll` gives up after one second).
 */
export const WAIT = {
  /** A click's visible result: the list refiltered or refreshed, a row added or removed, a page shown. */
  ui: 20_000,
  /** An assistant turn, from Enter to its last token (the embedded model behind a busy server). */
  turn: 60_000,
  /** gunicorn answering /readyz after a (re)start: seconds unloaded, over a minute on a loaded 2-core machine. */
  server: 150_000,
} as const;

/** `expect.poll` bounded by `timeout` (default `WAIT.ui`), checking every 100 ms. */
export function poll<T>(fn: () => T | Promise<T>, timeout: number = WAIT.ui) {
  return expect.poll(fn, { timeout, interval: 100 });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export async function newPage(browser: Browser, baseURL: string, viewport = { width: 1280, height: 860 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport, timezoneId: "UTC", locale: "en-US" });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT.ui);
  page.setDefaultNavigationTimeout(WAIT.ui);
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

export function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}@example.com`;
}

export async function signUp(page: Page, email: string, password = "correct horse battery", name = ""): Promise<void> {
  await page.goto("/signup");
  if (name) await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.waitForURL("**/tasks");
  await page.getByLabel("New task").waitFor();
}

export const PASSWORD = "correct horse battery";

/**
 * The set-up most browser tests start with: a new context and page, signed up as a new user (email made from
 * `tag`), on the tasks page and ready. Close `context` when done.
 */
export async function signedUpPage(
  browser: Browser,
  baseURL: string,
  tag: string,
  opts: { name?: string; viewport?: { width: number; height: number }; timeout?: number } = {},
): Promise<{ context: BrowserContext; page: Page; email: string }> {
  const { context, page } = await newPage(browser, baseURL, opts.viewport);
  if (opts.timeout) page.setDefaultTimeout(opts.timeout);
  const email = uniqueEmail(tag);
  try {
    await signUp(page, email, PASSWORD, opts.name ?? "");
  } catch (err) {
    await context.close();
    throw err;
  }
  return { context, page, email };
}

/** Sign in an existing user on `page` and wait for the tasks page (at `/tasks<query>` when given). */
export async function signIn(page: Page, email: string, query = ""): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/tasks");
  if (query) await page.goto(`/tasks${query}`);
  await page.getByLabel("New task").waitFor();
}

/** A user made through the API (in UTC): its id and access token. */
export async function apiSignup(baseURL: string, email: string): Promise<{ user: { id: string }; access_token: string }> {
  const res = await fetch(`${baseURL}/api/auth/signup`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, timezone: "UTC" }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { user: { id: string }; access_token: string };
}

/** Open the assistant's (built-in) panel. */
export async function openAssistant(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Assistant", exact: true }).click();
  await page.getByTestId("builtin-chat").waitFor();
}

/** Send a message to the assistant through the composer. */
export async function chat(page: Page, text: string): Promise<void> {
  const box = page.getByLabel("Message the assistant");
  await box.fill(text);
  await box.press("Enter");
}

/** The row of the task titled exactly `title` (found by its "Edit “title”" button). */
export function taskRow(page: Page, title: string) {
  return page.getByTestId("task-row").filter({ has: page.getByRole("button", { name: `Edit “${title}”`, exact: true }) });
}

/** Today's date (YYYY-MM-DD) in UTC, the test users' timezone. */
export function todayUTC(offsetDays = 0): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return d.toISOString().slice(0, 10);
}
