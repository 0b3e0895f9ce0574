"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useState } from "react";
import { auth, defaultTimezone } from "@/lib/auth";
import { checkSignIn, checkSignUp, formMessage, serverFieldErrors, type FieldErrors } from "@/lib/validation";

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
  const [fields, setFields] = useState<FieldErrors>({});
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
    setError(null);
    // The server's rules, checked here first: nothing is sent while a field is wrong.
    const problems = signup ? checkSignUp({ email, password, name }) : checkSignIn({ email, password });
    setFields(problems);
    if (Object.keys(problems).length) {
      const first = Object.keys(problems)[0];
      document.querySelector<HTMLInputElement>(`#${CSS.escape(`${id}-${first}`)}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      if (signup) await auth.signUp({ email, password, name, timezone: defaultTimezone() });
      else await auth.signIn(email, password);
      router.replace("/tasks");
    } catch (err) {
      setFields(serverFieldErrors(err));
      setError(formMessage(err, "Something went wrong. Please try again."));
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
              <input id={`${id}-name`} className={input} name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={!!fields.name} aria-describedby={fields.name ? `${id}-name-error` : undefined} />
            </label>
          )}
          {signup && fields.name && <FieldError id={`${id}-name-error`} text={fields.name} />}
          <label className="block text-sm font-medium text-slate-700">
            Email
            <input
              id={`${id}-email`}
              className={input}
              type="email"
              name="email"
              autoComplete="email"
              required
              autoFocus
              value={email}
              onChange={(e) => {
                setEmail(e.target.value);
                if (fields.email) setFields(({ email: _fixed, ...rest }) => rest);
              }}
              aria-invalid={!!fields.email}
              aria-describedby={fields.email ? `${id}-email-error` : undefined}
            />
          </label>
          {fields.email && <FieldError id={`${id}-email-error`} text={fields.email} />}
          <label className="block text-sm font-medium text-slate-700">
            Password
            <input
              id={`${id}-password`}
              className={input}
              type="password"
              name="password"
              autoComplete={signup ? "new-password" : "current-password"}
              required
              value={password}
              onChange={(e) => {
                setPassword(e.target.value);
                if (fields.password) setFields(({ password: _fixed, ...rest }) => rest);
              }}
              aria-invalid={!!fields.password}
              aria-describedby={fields.password ? `${id}-password-error` : signup ? `${id}-password-hint` : undefined}
            />
          </label>
          {signup && !fields.password && <span id={`${id}-password-hint`} className="-mt-3 block text-xs font-normal text-slate-600">At least 8 characters.</span>}
          {fields.password && <FieldError id={`${id}-password-error`} text={fields.password} />}
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

function FieldError({ id, text }: { id: string; text: string }) {
  return (
    <span id={id} className="-mt-3 block text-xs font-normal text-red-700" data-testid="field-error">
      {text}
    </span>
  );
}
