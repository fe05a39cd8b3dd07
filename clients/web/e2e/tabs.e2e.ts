import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiAs, BASE, chatId, countPosts, device, launch, record, send, signIn, someone, texts, waitForMessages } from './harness.js';

let browser: Browser;
beforeAll(async () => { browser = await launch(); });
afterAll(async () => { await browser?.close(); });

it('lets one of two tabs sync: one POST per change, and each tab shows the other one\'s messages', async () => {
  const user = someone('twotabs');
  const api = await apiAs(user);
  const context = await device(browser, { serviceWorkers: 'block' });
  const posts = countPosts(context);
  const first = await context.newPage();
  await signIn(first, user);
  const second = await context.newPage();
  await second.goto(BASE);
  await second.waitForSelector('[data-testid=signed-in-as]');
  await first.waitForFunction(() => document.querySelector('[data-testid=stats]')?.textContent?.includes('by this tab'));
  await second.waitForFunction(() => document.querySelector('[data-testid=stats]')?.textContent?.includes('another tab syncs'));

  await first.click('[data-testid=persona-notes]');
  await send(first, 'From the first tab');
  const id = await chatId(first);
  await api.waitFor(id, (s) => s.messages.length === 1);
  expect(posts).toHaveLength(1);

  await second.click(`[data-testid=conversation-item][data-id="${id}"]`);
  await waitForMessages(second, 1);
  const last = await send(second, 'From the second tab');
  const { stored, at } = await api.waitFor(id, (s) => s.messages.length === 2);
  record({ kind: 'latency', test: 'second tab', ms: at - last });
  expect(stored.messages.map((m) => m.content)).toEqual(['From the first tab', 'From the second tab']);
  await first.waitForTimeout(1000);
  expect(posts.map((p) => p.body.messages.map((m) => m.content))).toEqual([['From the first tab'], ['From the second tab']]);
  expect(posts.every((p) => p.page === first)).toBe(true);
  await waitForMessages(first, 2);
  expect(await texts(first)).toEqual(['From the first tab', 'From the second tab']);
  await context.close();
});
