import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiAs, chatId, countPosts, device, launch, record, replyDone, send, shot, signIn, someone } from './harness.js';

let browser: Browser;
beforeAll(async () => { browser = await launch(); });
afterAll(async () => { await browser?.close(); });

const changes = async (page: import('playwright-core').Page) => Number(await page.textContent('[data-testid=stats-changes]'));

it('sends a 20-message chat with streamed replies in about one POST per exchange', async () => {
  const user = someone('chatty');
  const api = await apiAs(user);
  const context = await device(browser, { serviceWorkers: 'block' });
  const posts = countPosts(context);
  const page = await context.newPage();
  await signIn(page, user);
  await page.click('[data-testid=persona-echo]');
  for (let i = 1; i <= 10; i++) {
    await send(page, `Question ${i}`);
    await replyDone(page);
    // reading the reply before asking again
    await page.waitForTimeout(2300);
  }
  const id = await chatId(page);
  await api.waitFor(id, (s) => s.messages.length === 20 && s.messages[19]!.content.includes('fifty milliseconds'));
  await page.waitForSelector('[data-testid=chat-status][data-state=acknowledged]');
  const made = await changes(page);
  record({ kind: 'chat', name: '20-message chat (10 questions, 10 streamed replies, 2.3 s reading pause)', messages: 20, changes: made, posts: posts.length });
  expect(made).toBeGreaterThanOrEqual(200);
  expect(posts.length).toBeLessThanOrEqual(12);
  await shot(page, 'twenty-messages');
  await context.close();
});
