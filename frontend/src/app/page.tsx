"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { useSession } from "@/lib/useSession";

/** `/`: go to the tasks when signed in, else to sign-in. */
export default function Home() {
  const router = useRouter();
  const { status } = useSession();
  useEffect(() => {
    if (status === "authenticated") router.replace("/tasks");
    else if (status === "unauthenticated") router.replace("/signin");
  }, [status, router]);
  return (
    <main className="flex min-h-screen items-center justify-center text-slate-500" aria-busy="true">
      Loading…
    </main>
  );
}
