// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { SyncProvider, useMessageSync } from '../src/react/index.js';
import { conversation, FakeBrowser, FakeServer, pass, say, tab } from './fakes.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

function Status() {
  const sync = useMessageSync();
  return <p>{`${sync.status('c1')?.state ?? 'none'} ${sync.online ? 'online' : 'offline'} ${sync.changes}/${sync.posts}`}</p>;
}

it('re-renders with each status change of the client', async () => {
  const browser = new FakeBrowser();
  const { client } = tab(browser, new FakeServer());
  const root = document.createElement('div');
  await act(async () => createRoot(root).render(<SyncProvider client={client}><Status /></SyncProvider>));
  await act(() => pass(0));
  expect(root.textContent).toBe('none online 0/0');
  await act(() => client.syncConversation(conversation([say('m1', 'hi')])));
  expect(root.textContent).toBe('pending online 1/0');
  await act(() => pass(2000));
  expect(root.textContent).toBe('acknowledged online 1/1');
  await act(async () => browser.setOnline(false));
  expect(root.textContent).toBe('acknowledged offline 1/1');
});

it('says what is missing when there is no provider', async () => {
  const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
  await expect(act(async () => createRoot(document.createElement('div')).render(<Status />))).rejects.toThrow('SyncProvider');
  errors.mockRestore();
});
