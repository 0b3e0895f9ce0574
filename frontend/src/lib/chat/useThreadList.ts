"use client";

/** The user's conversations (ChatKit threads), most recently used first, as the server orders them. */

import { useCallback, useEffect, useRef, useState } from "react";
import type { ChatKitClient } from "../chatkitClient";
import type { ThreadMetadata } from "../chatkitTypes";
import { isAbortError } from "../http";
import { describeChatError } from "./errors";

export interface ThreadListState {
  list: ThreadMetadata[];
  hasMore: boolean;
  after: string | null;
  loading: boolean;
  error: string | null;
  /** The first page has arrived (or failed). */
  loaded: boolean;
}

const EMPTY: ThreadListState = { list: [], hasMore: false, after: null, loading: false, error: null, loaded: false };

/** A thread moved to the top with its last activity set to now (a turn just happened in it). */
function touched(meta: ThreadMetadata, now: string): ThreadMetadata {
  return { ...meta, metadata: { ...(meta.metadata ?? {}), updated_at: now } };
}

export function useThreadList(client: ChatKitClient, pageSize = 20) {
  const [state, setState] = useState<ThreadListState>(EMPTY);
  const after = useRef<string | null>(null);
  after.current = state.after;

  const load = useCallback(
    async (more = false) => {
      setState((s) => ({ ...s, loading: true, error: null }));
      try {
        const page = await client.listThreads({ limit: pageSize, after: more ? after.current : null, order: "desc" });
        setState((s) => ({
          list: more ? [...s.list, ...page.data.filter((p) => !s.list.some((q) => q.id === p.id))] : page.data,
          hasMore: page.has_more,
          after: page.after ?? null,
          loading: false,
          error: null,
          loaded: true,
        }));
      } catch (err) {
        if (isAbortError(err)) return;
        setState((s) => ({ ...s, loading: false, loaded: true, error: describeChatError(err).message }));
      }
    },
    [client, pageSize],
  );

  useEffect(() => {
    setState(EMPTY);
    void load(false);
  }, [load]);

  /** A thread was created or used: it goes to the top (the server orders by last activity too). */
  const touch = useCallback((meta: ThreadMetadata) => {
    const now = new Date().toISOString();
    setState((s) => ({ ...s, list: [touched(meta, now), ...s.list.filter((x) => x.id !== meta.id)] }));
  }, []);

  const rename = useCallback(
    async (thread: ThreadMetadata, title: string): Promise<ThreadMetadata | null> => {
      try {
        const updated = await client.updateThread(thread.id, title);
        const meta = { ...thread, title: updated.title ?? title };
        setState((s) => ({ ...s, list: s.list.map((x) => (x.id === thread.id ? meta : x)) }));
        return meta;
      } catch (err) {
        setState((s) => ({ ...s, error: describeChatError(err).message }));
        return null;
      }
    },
    [client],
  );

  const remove = useCallback(
    async (thread: ThreadMetadata): Promise<boolean> => {
      try {
        await client.deleteThread(thread.id);
        setState((s) => ({ ...s, list: s.list.filter((x) => x.id !== thread.id) }));
        return true;
      } catch (err) {
        setState((s) => ({ ...s, error: describeChatError(err).message }));
        return false;
      }
    },
    [client],
  );

  return { ...state, load, touch, rename, remove };
}

export type ThreadList = ReturnType<typeof useThreadList>;
