import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiAs, chatId, countPosts, device, launch, send, shot, signIn, someone, texts, waitForMessages } from './harness.js';

let browser: Browser;
beforeAll(async () => { browser = await launch(); });
afterAll(async () => { await browser?.close(); });

it('queues while offline, survives a reload without network, and stores each message once, in order, back online', async () => {
  const user = someone('commuter');
  const api = await apiAs(user);
  const context = await device(browser);
  const page = await context.newPage();
  await signIn(page, user);
  // the demo's service worker must hold the app shell before the network goes
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 15_000 });
  await page.click('[data-testid=persona-notes]');

  await context.setOffline(true);
  await page.waitForSelector('[data-testid=online-status].no');
  await send(page, 'Written in a tunnel');
  await send(page, 'Still no signal');
  const id = await chatId(page);
  await page.waitForTimeout(2500);
  await page.waitForSelector('[data-testid=chat-status][data-state=pending]');
  await shot(page, 'offline-queued');
  expect(await api.conversation(id)).toBeUndefined();

  await page.reload();
  await page.click(`[data-testid=conversation-item][data-id="${id}"]`);
  await waitForMessages(page, 2);
  await send(page, 'Typed after the reload, still offline');
  await page.waitForTimeout(2500);
  expect(await api.conversation(id)).toBeUndefined();

  await context.setOffline(false);
  const { stored } = await api.waitFor(id, (s) => s.messages.length === 3);
  expect(stored.messages.map((m) => m.content)).toEqual(['Written in a tunnel', 'Still no signal', 'Typed after the reload, still offline']);
  expect(stored.messages.map((m) => m.revision)).toEqual([1, 1, 1]);
  expect(new Set(stored.messages.map((m) => m.id)).size).toBe(3);
  await page.waitForSelector('[data-testid=chat-status][data-state=acknowledged]');
  expect(await texts(page)).toHaveLength(3);
  await context.close();
});

it('waits out a 503 with Retry-After, then stores the message once', async () => {
  const user = someone('patient');
  const api = await apiAs(user);
  const context = await device(browser, { serviceWorkers: 'block' });
  const posts = countPosts(context);
  const page = await context.newPage();
  const answered: number[] = [];
  await page.route('**/api/messages', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    answered.push(Date.now());
    if (answered.length > 1) return route.continue();
    return route.fulfill({
      status: 503, headers: { 'Retry-After': '3', 'Content-Type': 'application/problem+json' },
      body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'Kafka did not acknowledge in time' }),
    });
  });
  await signIn(page, user);
  await page.click('[data-testid=persona-notes]');
  await send(page, 'Worth the wait');
  const id = await chatId(page);
  await page.waitForFunction(() => document.querySelector('[data-testid=chat-status]')?.textContent?.startsWith('retrying at'));
  await shot(page, 'retry-after');
  const { stored } = await api.waitFor(id, (s) => s.messages.length === 1);
  expect(answered).toHaveLength(2);
  expect(answered[1]! - answered[0]!).toBeGreaterThanOrEqual(2900);
  expect(posts).toHaveLength(2);
  expect(stored.messages).toEqual([expect.objectContaining({ content: 'Worth the wait', revision: 1 })]);
  await context.close();
});
