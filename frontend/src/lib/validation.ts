/**
 * The server's field rules, checked in the browser first, with human messages; and the server's own field
 * errors (pydantic wording such as "String should have at least 8 characters") turned into the same messages.
 * Keep the rules in step with app/auth/schemas.py and app/tasks/schemas.py.
 */

import { ApiError } from "./http";

export type FieldErrors = Record<string, string>;

const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$/;
const TAG = /^[\w\-./:+]+$/u;
export const RULES = { passwordMin: 8, passwordMax: 128, nameMax: 100, titleMax: 200, descriptionMax: 2000, tagMax: 50, tagsMax: 20 } as const;

export function checkEmail(value: string): string | null {
  const email = value.trim();
  if (!email) return "Enter your email address.";
  if (email.length > 254 || !EMAIL.test(email)) return "Enter a valid email address, like name@example.com.";
  return null;
}

export function checkPassword(value: string, signup: boolean): string | null {
  if (!value) return "Enter your password.";
  if (signup && value.length < RULES.passwordMin) return `Use at least ${RULES.passwordMin} characters.`;
  if (value.length > RULES.passwordMax) return `Use at most ${RULES.passwordMax} characters.`;
  return null;
}

export function checkSignUp(input: { email: string; password: string; name: string }): FieldErrors {
  const out: FieldErrors = {};
  const email = checkEmail(input.email);
  if (email) out.email = email;
  const password = checkPassword(input.password, true);
  if (password) out.password = password;
  if (input.name.length > RULES.nameMax) out.name = `Use at most ${RULES.nameMax} characters.`;
  return out;
}

export function checkSignIn(input: { email: string; password: string }): FieldErrors {
  const out: FieldErrors = {};
  const email = checkEmail(input.email);
  if (email) out.email = email;
  const password = checkPassword(input.password, false);
  if (password) out.password = password;
  return out;
}

/** A task's title, notes and tags (typed as "home, #errands"). */
export function checkTask(input: { title: string; description?: string; tags?: string[]; dueTime?: string; dueDate?: string }): FieldErrors {
  const out: FieldErrors = {};
  const title = input.title.trim();
  if (!title) out.title = "Give the task a title.";
  else if (title.length > RULES.titleMax) out.title = `Keep the title under ${RULES.titleMax + 1} characters.`;
  if ((input.description ?? "").length > RULES.descriptionMax) out.description = `Keep the notes under ${RULES.descriptionMax + 1} characters.`;
  const tags = input.tags ?? [];
  const bad = tags.find((t) => t.length > RULES.tagMax || !TAG.test(t));
  if (bad) out.tags = `“${bad.slice(0, 30)}” is not a tag: one word of letters, digits or - _ . / : +, at most ${RULES.tagMax} long.`;
  else if (tags.length > RULES.tagsMax) out.tags = `At most ${RULES.tagsMax} tags.`;
  if (input.dueTime && !input.dueDate) out.due_time = "Pick a due date first.";
  return out;
}

/** One server field message in words a person reads ("String should have at least 8 characters" → "Use at least 8 characters."). */
export function humanFieldMessage(field: string, message: string): string {
  let m = /at least (\d+) characters?/i.exec(message);
  if (m) return `Use at least ${m[1]} characters.`;
  m = /at most (\d+) characters?/i.exec(message);
  if (m) return `Use at most ${m[1]} characters.`;
  if (/email/i.test(field) && /email/i.test(message)) return "Enter a valid email address, like name@example.com.";
  if (/timezone/i.test(message)) return "Pick a timezone from the list (e.g. Europe/Paris).";
  if (/field required|missing/i.test(message)) return "This is required.";
  const text = message.replace(/^value error,\s*/i, "").trim();
  return text ? text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".") : "Check this field.";
}

/** Field errors of a failed request, keyed by field (the first path segment), in human words. */
export function serverFieldErrors(err: unknown): FieldErrors {
  if (!(err instanceof ApiError)) return {};
  const out: FieldErrors = {};
  for (const [path, message] of Object.entries(err.fields ?? {})) {
    const field = path.split(".")[0];
    if (!out[field]) out[field] = humanFieldMessage(field, message);
  }
  if (err.code === "email_taken") out.email = "An account with this email already exists. Sign in instead?";
  return out;
}

/** The message above a form: a general one when the problem is in the fields (those carry the detail). */
export function formMessage(err: unknown, fallback: string): string {
  if (!(err instanceof ApiError)) return fallback;
  if (Object.keys(serverFieldErrors(err)).length) return "Please correct the highlighted fields.";
  return err.message || fallback;
}
