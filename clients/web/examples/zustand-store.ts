// README's example: chat-sync behind a Zustand store. Type-checked by the build.
import { create } from 'zustand';
import { createSyncClient, type Conversation, type SyncedMessage } from '@chat-sync/web';

declare const Clerk: { session?: { getToken(options?: { skipCache?: boolean }): Promise<string | null> } };

export const sync = createSyncClient({
  baseUrl: 'https://sync.example.com',
  getToken: (o) => Clerk.session?.getToken({ skipCache: o?.refresh }),
});

interface Chats {
  conversations: Record<string, Conversation>;
  open(conversationId: string): Promise<void>;
  add(conversationId: string, personaId: string, message: SyncedMessage): void;
}

export const useChats = create<Chats>()((set) => ({
  conversations: {},
  async open(id) {
    const c = await sync.loadConversation(id);
    if (c) set((s) => ({ conversations: { ...s.conversations, [id]: c } }));
  },
  add(conversationId, personaId, message) {
    set((s) => {
      const c = s.conversations[conversationId] ?? { conversationId, personaId, messages: [] };
      return { conversations: { ...s.conversations, [conversationId]: { ...c, messages: [...c.messages, message] } } };
    });
  },
}));

// Whatever changed in the store goes to the client; it saves each conversation 2 s after its last change.
useChats.subscribe((state, previous) => {
  for (const c of Object.values(state.conversations)) {
    if (c !== previous.conversations[c.conversationId]) void sync.syncConversation(c);
  }
});
