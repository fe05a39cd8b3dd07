/** The demo's sign-in: a dev token from the local stack's /dev/tokens, kept in localStorage like a session cookie would be. */
export interface Session {
  userId: string;
  token: string;
}

const KEY = 'chat-sync-demo.session';

export const USER_ID = /^[A-Za-z0-9_.@-]{1,128}$/;

export function currentSession(): Session | undefined {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null;
    return s && USER_ID.test(s.userId) && s.token ? s : undefined;
  } catch {
    return undefined;
  }
}

export async function signIn(userId: string): Promise<Session> {
  const r = await fetch('/dev/tokens', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userId }) });
  if (!r.ok) throw new Error(`sign-in failed: HTTP ${r.status}`);
  const session = { userId, token: ((await r.json()) as { token: string }).token };
  localStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

export const forgetSession = () => localStorage.removeItem(KEY);

/** A token for the client; on a 401 (the local stack restarted with a new key) a fresh one is minted. */
export function tokenSource(userId: string) {
  return async (options?: { refresh: true }) => {
    const s = currentSession();
    if (options?.refresh || !s || s.userId !== userId) return (await signIn(userId)).token;
    return s.token;
  };
}
