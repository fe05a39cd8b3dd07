import { useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createSyncClient } from '../../src/core/index.js';
import { SyncProvider } from '../../src/react/index.js';
import { App, SignIn } from './App.js';
import { currentSession, forgetSession, tokenSource, type Session } from './session.js';
import './styles.css';

function Signed({ session, onSignedOut }: { session: Session; onSignedOut: () => void }) {
  const client = useMemo(
    () => createSyncClient({ baseUrl: '', userId: session.userId, getToken: tokenSource(session.userId) }),
    [session.userId],
  );
  useEffect(() => () => client.close(), [client]);
  return (
    <SyncProvider client={client}>
      <App userId={session.userId} onSignedOut={onSignedOut} />
    </SyncProvider>
  );
}

function Root() {
  const [session, setSession] = useState(currentSession);
  if (!session) return <SignIn onSignedIn={setSession} />;
  return (
    <Signed
      key={session.userId}
      session={session}
      onSignedOut={() => {
        forgetSession();
        setSession(undefined);
      }}
    />
  );
}

createRoot(document.getElementById('root')!).render(<Root />);

// The app shell works offline: a reload without network still opens the chats this browser holds.
if (import.meta.env.PROD && 'serviceWorker' in navigator) void navigator.serviceWorker.register('/sw.js');
