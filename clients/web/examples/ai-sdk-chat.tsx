// README's example: chat-sync under the Vercel AI SDK's useChat. Type-checked by the build.
import { useChat } from '@ai-sdk/react';
import type { UIMessage } from 'ai';
import { useEffect } from 'react';
import { toUIMessage } from '@chat-sync/web';
import { useMessageSync } from '@chat-sync/web/react';

export function PersonaChat({ conversationId, personaId }: { conversationId: string; personaId: string }) {
  const { loadConversation, syncConversation, status, online } = useMessageSync();
  const { messages, setMessages, sendMessage } = useChat({ id: conversationId });

  // Local-first: what this device holds, at once; the server's copy when it holds none.
  useEffect(() => {
    void loadConversation(conversationId).then((c) => c && setMessages(c.messages.map((m) => toUIMessage<UIMessage>(m))));
  }, [conversationId, loadConversation, setMessages]);

  // Every change, each streamed chunk included, is stored on the device at once and sent 2 s after the last.
  useEffect(() => {
    if (messages.length) void syncConversation({ conversationId, personaId, messages });
  }, [conversationId, personaId, messages, syncConversation]);

  const s = status(conversationId);
  return (
    <div>
      <p>{!online ? 'offline: kept on this device' : s?.state === 'failed' ? `not saved: ${s.error?.title}` : s?.state ?? 'saved'}</p>
      {messages.map((m) => <p key={m.id}>{m.parts.map((p) => (p.type === 'text' ? p.text : '')).join('')}</p>)}
      <button onClick={() => void sendMessage({ text: 'What is a partition?' })}>Ask</button>
    </div>
  );
}
