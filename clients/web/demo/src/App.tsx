import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { toUIMessage, type ConversationStatus, type ConversationSummary, type MessageInput, type MessagePart, type MessageVersion } from '../../src/core/index.js';
import { useMessageSync } from '../../src/react/index.js';
import { PERSONAS, personaOf, play } from './personas.js';
import { signIn, USER_ID, type Session } from './session.js';

const newId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const time = (ms?: number) => (ms ? new Date(ms).toLocaleTimeString() : '');

export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [userId, setUserId] = useState('alice');
  const [error, setError] = useState<string>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn(userId).then(onSignedIn, (err: Error) => setError(err.message));
  };
  return (
    <form className="sign-in" onSubmit={submit}>
      <h1>chat-sync demo</h1>
      <p>Sign in as any dev user: the local stack mints a token for it.</p>
      <input data-testid="user-id" value={userId} onChange={(e) => setUserId(e.target.value)} pattern={USER_ID.source} required />
      <button data-testid="sign-in" type="submit">Sign in</button>
      {error && <p className="error">{error}</p>}
    </form>
  );
}

/** What a person reads about a conversation's sync. */
function describe(s: ConversationStatus | undefined, online: boolean): string {
  if (!s || s.state === 'acknowledged') return s?.syncedAt ? `saved ${time(s.syncedAt)}` : 'saved';
  if (s.state === 'failed') {
    const v = s.error?.errors?.[0];
    return `failed: ${v ? `${v.field} ${v.rule}` : s.error?.title ?? 'refused'}`;
  }
  if (s.state === 'sending') return 'sending…';
  if (!online) return `offline: ${s.pending} waiting`;
  if (s.retryAt) return `retrying at ${time(s.retryAt)}`;
  return `${s.pending} pending`;
}

function Badge({ status, online, testId }: { status: ConversationStatus | undefined; online: boolean; testId: string }) {
  const state = status?.state ?? 'acknowledged';
  return <span className={`badge ${state}`} data-testid={testId} data-state={state}>{describe(status, online)}</span>;
}

export function App({ userId, onSignedOut }: { userId: string; onSignedOut: () => void }) {
  const sync = useMessageSync();
  const [list, setList] = useState<ConversationSummary[]>([]);
  const [open, setOpen] = useState<{ conversationId: string; personaId: string }>();
  const { loadAllConversations, signedOut } = sync;
  const reload = useCallback(() => void loadAllConversations().then(setList), [loadAllConversations]);
  useEffect(reload, [reload, sync.remote?.seq]);
  useEffect(() => { if (signedOut) onSignedOut(); }, [signedOut, onSignedOut]);

  const signOut = async () => {
    const { discarded } = await sync.signOut();
    if (discarded) console.warn(`signed out with ${discarded} messages never saved`);
    onSignedOut();
  };

  return (
    <div className="app">
      <header>
        <strong>chat-sync demo</strong>
        <span data-testid="signed-in-as">{userId}</span>
        <span className={`online ${sync.online ? 'yes' : 'no'}`} data-testid="online-status">
          {sync.online ? 'online' : 'offline: changes are kept on this device and sent when you are back'}
        </span>
        <button data-testid="sync-now" onClick={() => void sync.syncNow().then(reload)}>Sync now</button>
        <button data-testid="sign-out" onClick={() => void signOut()}>Sign out</button>
      </header>
      <aside>
        <h2>New chat</h2>
        {PERSONAS.map((p) => (
          <button key={p.id} className="persona" data-testid={`persona-${p.id}`} title={p.blurb}
            onClick={() => setOpen({ conversationId: newId(p.id), personaId: p.id })}>
            {p.name} <small>{p.blurb}</small>
          </button>
        ))}
        <h2>Conversations</h2>
        <ul data-testid="conversations">
          {list.map((c) => (
            <li key={c.conversationId} data-testid="conversation-item" data-id={c.conversationId}
              className={open?.conversationId === c.conversationId ? 'open' : ''}
              onClick={() => setOpen({ conversationId: c.conversationId, personaId: c.personaId })}>
              <span className="title">{c.title ?? '(untitled)'}</span>
              <small>{personaOf(c.personaId).name}</small>
              <Badge status={sync.status(c.conversationId)} online={sync.online} testId="conversation-status" />
            </li>
          ))}
        </ul>
      </aside>
      <main>
        {open ? <Chat key={open.conversationId} {...open} onSaved={reload} /> : <p className="empty">Pick a persona to start a chat.</p>}
      </main>
      <footer data-testid="stats">
        <span data-testid="stats-changes">{sync.changes}</span> changes saved locally,{' '}
        <span data-testid="stats-posts">{sync.posts}</span> POSTs sent{sync.leader ? ' by this tab' : ' (another tab syncs)'}
        {sync.pulledAt ? ` · last pull ${time(sync.pulledAt)}` : ''}
      </footer>
    </div>
  );
}

function Chat({ conversationId, personaId, onSaved }: { conversationId: string; personaId: string; onSaved: () => void }) {
  const sync = useMessageSync();
  const persona = personaOf(personaId);
  const [messages, setMessages] = useState<MessageInput[]>([]);
  const [title, setTitle] = useState<string>();
  const [loaded, setLoaded] = useState(false);
  const [streaming, setStreaming] = useState(false);
  const [draft, setDraft] = useState('');
  /** Per message id, the conflicts the server kept for it (from the last load). */
  const [conflicts, setConflicts] = useState<Record<string, number>>({});
  const [editing, setEditing] = useState<{ id: string; text: string }>();
  const stop = useRef<() => void>(undefined);
  const { loadConversation, syncConversation, remote } = sync;

  const remoteHere = remote?.conversationIds.includes(conversationId) ? remote.seq : 0;
  useEffect(() => {
    if (streaming) return;
    void loadConversation(conversationId).then((c) => {
      if (c) {
        setMessages(c.messages.map(toUIMessage));
        setConflicts(Object.fromEntries(c.messages.map((m) => [m.id, m.conflicts ?? 0])));
        setTitle(c.title);
      }
      setLoaded(true);
    });
    // not on streaming's end: a reload is for other tabs' and devices' changes
  }, [conversationId, loadConversation, remoteHere]);
  useEffect(() => () => stop.current?.(), []);

  const listed = useRef(false);
  useEffect(() => {
    if (!loaded || !messages.length) return;
    void syncConversation({ conversationId, personaId, title, messages }).then(() => {
      if (!listed.current) onSaved();
      listed.current = true;
    });
  }, [loaded, messages, title, conversationId, personaId, syncConversation, onSaved]);

  const send = (e: FormEvent) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text || streaming) return;
    setDraft('');
    setTitle((t) => t ?? text.slice(0, 60));
    setMessages((ms) => [...ms, { id: newId('m'), role: 'user', parts: [{ type: 'text', text } as MessagePart] }]);
    const script = persona.script?.(text);
    if (!script) return;
    const id = newId('m');
    const metadata = { persona: persona.id, model: 'scripted' };
    setStreaming(true);
    stop.current = play(script, (parts, done) => {
      setMessages((ms) => (ms.some((m) => m.id === id)
        ? ms.map((m) => (m.id === id ? { ...m, parts } : m))
        : [...ms, { id, role: 'assistant', parts, metadata }]));
      if (done) setStreaming(false);
    });
  };

  const saveEdit = (e: FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    const parts = [{ type: 'text', text: editing.text } as MessagePart];
    setMessages((ms) => ms.map((m) => (m.id === editing.id ? { ...m, content: undefined, parts } : m)));
    setEditing(undefined);
  };

  return (
    <section className="chat" data-testid="chat" data-id={conversationId}>
      <h2>
        {title ?? `New chat with ${persona.name}`}
        <Badge status={sync.status(conversationId)} online={sync.online} testId="chat-status" />
      </h2>
      <ol className="messages" data-testid="messages">
        {messages.map((m) => (
          <li key={m.id} className={m.role} data-testid="message" data-id={m.id} data-role={m.role}>
            {editing?.id === m.id ? (
              <form className="edit" onSubmit={saveEdit}>
                <input data-testid="edit-input" value={editing.text} onChange={(e) => setEditing({ id: m.id, text: e.target.value })} autoFocus />
                <button data-testid="edit-save" type="submit">Save</button>
              </form>
            ) : (m.parts ?? [{ type: 'text', text: m.content } as MessagePart]).map((p, i) => <Part key={i} part={p} />)}
            {m.role === 'user' && !streaming && editing?.id !== m.id && (
              <button className="edit-button" data-testid="edit-message" title="Edit" aria-label="Edit"
                onClick={() => setEditing({ id: m.id, text: (m.parts ?? []).map((p) => (p as { text?: string }).text ?? '').join('') || (m.content ?? '') })} />
            )}
            {(conflicts[m.id] ?? 0) > 0 && <Conflicts conversationId={conversationId} messageId={m.id} count={conflicts[m.id]!} />}
          </li>
        ))}
      </ol>
      {streaming && <p className="streaming" data-testid="streaming">{persona.name} is typing…</p>}
      <form className="composer" onSubmit={send}>
        <input data-testid="composer" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder={`Message ${persona.name}`} autoFocus />
        <button data-testid="send" type="submit" disabled={streaming}>Send</button>
      </form>
    </section>
  );
}

/** The marker of a message edited on two devices at once, and on click the versions the server kept. */
function Conflicts({ conversationId, messageId, count }: { conversationId: string; messageId: string; count: number }) {
  const { loadRevisions } = useMessageSync();
  const [versions, setVersions] = useState<MessageVersion[]>();
  const toggle = () => (versions ? setVersions(undefined)
    : void loadRevisions(conversationId, messageId).then((r) => setVersions(r?.revisions ?? []), () => setVersions([])));
  return (
    <div className="conflicts">
      <button className="conflict-marker" data-testid="conflict-marker" data-count={count} onClick={toggle}
        title="Edited on another device at the same time: the other versions are kept">
        ⚠ {count} {count === 1 ? 'conflict' : 'conflicts'}
      </button>
      {versions && (
        <ul data-testid="message-versions">
          {versions.map((v) => (
            <li key={v.revision} data-testid="message-version" data-conflict={v.conflict}>
              <small>r{v.revision}{v.conflict ? ' · conflict' : ' · earlier'}{v.basedOn ? ` · from r${v.basedOn}` : ''}</small> {v.content}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Part({ part }: { part: MessagePart }) {
  const p = part as { type: string; text?: string; state?: string; input?: unknown };
  if (p.type === 'text') return <span className="text">{p.text}</span>;
  if (p.type.startsWith('tool-')) {
    return <span className="tool" data-testid="tool-part" data-state={p.state}>
      {p.state === 'output-available' ? '✓' : '…'} {p.type.slice(5)}({JSON.stringify(p.input)})
    </span>;
  }
  return null;
}
