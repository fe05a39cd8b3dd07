import { createContext, createElement, useContext, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import type { ClientStatus, ConflictNotice, ConversationStatus, RemoteChange, SyncClient } from '../core/index.js';

const ClientContext = createContext<SyncClient | null>(null);

/** Makes one client (one per signed-in user) available to `useMessageSync` below it. */
export function SyncProvider(props: { client: SyncClient; children?: ReactNode }) {
  return createElement(ClientContext.Provider, { value: props.client }, props.children);
}

export interface MessageSync
  extends Pick<SyncClient, 'syncConversation' | 'loadConversation' | 'loadAllConversations' | 'deleteConversation' | 'loadRevisions' | 'syncNow'
      | 'retry' | 'signOut' | 'exportAccount' | 'deleteAccount'>,
    ClientStatus {
  /** Every conversation's sync status this tab knows of. */
  statuses: ReadonlyMap<string, ConversationStatus>;
  /** One conversation's status; undefined when nothing of it was sent or is pending since the page loaded. */
  status(conversationId: string): ConversationStatus | undefined;
  /** The last change another tab or device made: reload those conversations when they are on screen. */
  remote: RemoteChange | undefined;
  /** The last messages a read or the changes feed showed with new conflicts (`messages[i].conflicts`). */
  conflict: (ConflictNotice & { seq: number }) | undefined;
  /** Another tab signed this user out. */
  signedOut: boolean;
}

/** The client's operations and its live status, from the nearest `SyncProvider` or the given client. */
export function useMessageSync(client?: SyncClient): MessageSync {
  const fromContext = useContext(ClientContext);
  const c = client ?? fromContext;
  if (!c) throw new Error('useMessageSync needs a <SyncProvider client={...}> above it, or a client');
  const snap = useSyncExternalStore(c.subscribe, c.snapshot, c.snapshot);
  return useMemo(() => ({
    syncConversation: c.syncConversation,
    loadConversation: c.loadConversation,
    loadAllConversations: c.loadAllConversations,
    deleteConversation: c.deleteConversation,
    loadRevisions: c.loadRevisions,
    syncNow: c.syncNow,
    retry: c.retry,
    signOut: c.signOut,
    exportAccount: c.exportAccount,
    deleteAccount: c.deleteAccount,
    ...snap.client,
    statuses: snap.statuses,
    status: (id: string) => snap.statuses.get(id),
    remote: snap.remote,
    conflict: snap.conflict,
    signedOut: snap.signedOut,
  }), [c, snap]);
}
