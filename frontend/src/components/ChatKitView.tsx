"use client";

import { ChatKit } from "@openai/chatkit-react";
import { useEffect, useState } from "react";
import { auth } from "@/lib/auth";
import { chatkitEndpoint, lastUsedThread } from "@/lib/chat/shared";
import { ChatKitClient } from "@/lib/chatkitClient";
import ChatProvider, { useChatKitControl, type ChatProviderProps } from "./ChatProvider";

function View() {
  const { control } = useChatKitControl();
  return <ChatKit control={control} className="block h-full w-full" />;
}

/** ChatKit's own UI (the web component from the CDN), configured by ChatProvider, opened on the thread used last. */
export default function ChatKitView(props: Omit<ChatProviderProps, "children" | "initialThread">) {
  const [initial, setInitial] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    let alive = true;
    const client = new ChatKitClient({ url: chatkitEndpoint(props.userId), fetch: (url, init) => auth.authFetch(url, init), retry: { retries: 1, baseMs: 300, maxMs: 1000 } });
    lastUsedThread(client).then(
      (thread) => alive && setInitial(thread?.id ?? null),
      () => alive && setInitial(null),
    );
    return () => {
      alive = false;
    };
  }, [props.userId]);
  if (initial === undefined) return <p className="p-6 text-sm text-slate-600" role="status">Loading the assistant…</p>;
  return (
    <ChatProvider {...props} initialThread={initial}>
      <View />
    </ChatProvider>
  );
}
