"use client";

import { useEffect, useState } from "react";
import { auth, type Session } from "./auth";

export type SessionState =
  | { status: "loading"; session: null }
  | { status: "authenticated"; session: Session }
  | { status: "unauthenticated"; session: null };

/** The current session, kept up to date (refreshes, sign-out here or in another tab). */
export function useSession(): SessionState {
  const [state, setState] = useState<SessionState>(() => {
    const current = auth.peek();
    return current ? { status: "authenticated", session: current } : { status: "loading", session: null };
  });

  useEffect(() => {
    let alive = true;
    const apply = (session: Session | null) => {
      if (alive) setState(session ? { status: "authenticated", session } : { status: "unauthenticated", session: null });
    };
    const unsubscribe = auth.subscribe(apply);
    auth.getSession().then(apply, () => {
      // Offline while restoring: keep the stored token and say signed out for now.
      if (alive) setState({ status: "unauthenticated", session: null });
    });
    return () => {
      alive = false;
      unsubscribe();
    };
  }, []);

  return state;
}
