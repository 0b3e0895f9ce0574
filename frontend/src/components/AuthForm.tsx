"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useState } from "react";
import { auth, defaultTimezone } from "@/lib/auth";
import { ApiError } from "@/lib/http";

type Mode = "signin" | "signup";

/** Sign-in and sign-up form (one component, two modes). */
export default function AuthForm({ mode }: { mode: Mode }) {
  const router = useRouter();
  const id = useId();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const signup = mode === "signup";

  // Already signed in (e.g. a reload of /signin): go straight to the tasks.
  useEffect(() => {
    let alive = true;
    if (auth.hasStoredSession()) {
      auth.getSession().then((s) => {
        if (alive && s) router.replace("/tasks");
      }, () => undefined);
    }
    return () => {
      alive = false;
    };
  }, [router]);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      if (signup) await auth.signUp({ email, password, name, timezone: defaultTimezone() });
      else await auth.signIn(email, password);
      router.replace("/tasks");
    } catch (err) {
      if (err instanceof ApiError) {
        setError(err.message);
        setFields(err.fields);
      } else {
        setError("Something went wrong. Please try again.");
      }
      setBusy(false);
    }
  }

  const input =
    "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200";

  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <div aria-hidden className="mx-auto mb-3 flex h-12 w-12 items-center justify-center rounded-xl bg-indigo-600 text-2xl text-white">✓</div>
          <h1 className="text-2xl font-semibold">{signup ? "Create your account" : "Sign in to Todo Assistant"}</h1>
          <p className="mt-1 text-sm text-slate-600">Manage your tasks by simply asking.</p>
        </div>
        <form onSubmit={submit} noValidate className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm" aria-describedby={error ? `${id}-error` : undefined}>
          {error && (
            <div id={`${id}-error`} role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
              {error}
            </div>
          )}
          {signup && (
            <label className="block text-sm font-medium text-slate-700">
              Name <span className="font-normal text-slate-500">(optional)</span>
              <input className={input} name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
            </label>
          )}
          <label className="block text-sm font-medium text-slate-700">
            Email
            <input
              className={input}
              type="email"
              name="email"
              autoComplete="email"
              required
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={!!fields.email}
            />
            {fields.email && <span className="mt-1 block text-xs text-red-700">Email {fields.email}</span>}
          </label>
          <label className="block text-sm font-medium text-slate-700">
            Password
            <input
              className={input}
              type="password"
              name="password"
              autoComplete={signup ? "new-password" : "current-password"}
              required
              minLength={signup ? 8 : 1}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={!!fields.password}
            />
            {signup && !fields.password && <span className="mt-1 block text-xs font-normal text-slate-500">At least 8 characters.</span>}
            {fields.password && <span className="mt-1 block text-xs text-red-700">Password {fields.password}</span>}
          </label>
          <button
            type="submit"
            disabled={busy}
            className="w-full rounded-md bg-indigo-600 px-4 py-2 font-medium text-white shadow-sm hover:bg-indigo-700 disabled:opacity-60"
          >
            {busy ? (signup ? "Creating account…" : "Signing in…") : signup ? "Sign up" : "Sign in"}
          </button>
        </form>
        <p className="mt-4 text-center text-sm text-slate-600">
          {signup ? (
            <>
              Already have an account? <Link className="font-medium text-indigo-700 hover:underline" href="/signin">Sign in</Link>
            </>
          ) : (
            <>
              New here? <Link className="font-medium text-indigo-700 hover:underline" href="/signup">Create an account</Link>
            </>
          )}
        </p>
      </div>
    </main>
  );
}
