"use client";

import { ChatKit } from "@openai/chatkit-react";
import ChatProvider, { useChatKitControl, type ChatProviderProps } from "./ChatProvider";

function View() {
  const { control } = useChatKitControl();
  return <ChatKit control={control} className="block h-full w-full" />;
}

/** ChatKit's own UI (the web component from the CDN), configured by ChatProvider. */
export default function ChatKitView(props: Omit<ChatProviderProps, "children">) {
  return (
    <ChatProvider {...props}>
      <View />
    </ChatProvider>
  );
}
