import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiAs, chatId, countPosts, device, launch, record, replyDone, send, shot, signIn, someone } from './harness.js';

let browser: Browser;
beforeAll(async () => { browser = await launch(); });
afterAll(async () => { await browser?.close(); });

const changes = async (page: import('playwright-core').Page) => Number(await page.textContent('[data-testid=stats-changes]'));

it('stores a streamed reply with its final text and a revision history, after few POSTs', async () => {
  const user = someone('learner');
  const api = await apiAs(user);
  const context = await device(browser, { serviceWorkers: 'block' });
  const posts = countPosts(context);
  const page = await context.newPage();
  await signIn(page, user);
  await page.click('[data-testid=persona-hitesh]');
  await send(page, 'What is a partition?');
  const id = await chatId(page);
  await page.waitForSelector('[data-testid=tool-part][data-state=output-available]', { timeout: 15_000 });
  await replyDone(page);
  const final = await page.$$eval('[data-testid=message][data-role=assistant] .text', (els) => els.map((e) => e.textContent).join(''));
  const reply = (await page.getAttribute('[data-testid=message][data-role=assistant]', 'data-id'))!;
  const { stored } = await api.waitFor(id, (s) => s.messages.length === 2 && s.messages[1]!.content === final);
  await page.waitForSelector('[data-testid=chat-status][data-state=acknowledged]');
  await shot(page, 'streamed-reply');

  const streamed = await changes(page);
  expect(streamed).toBeGreaterThanOrEqual(40);
  expect(posts.length).toBeGreaterThanOrEqual(2);
  expect(posts.length).toBeLessThanOrEqual(3);
  const answer = stored.messages[1]!;
  expect(answer.revision).toBeGreaterThanOrEqual(2);
  const { revisions } = (await api.revisions(id, reply)) as { revisions: { content: string; parts?: { type: string; state?: string }[] }[] };
  expect(revisions.length).toBeGreaterThanOrEqual(1);
  expect(answer.content.startsWith(revisions.at(-1)!.content)).toBe(true);
  // the parts round-trip: the tool call as it ended, and as it was while the reply paused on it
  expect(answer.parts?.find((p) => p.type === 'tool-searchDocs')).toMatchObject({ state: 'output-available', output: { hits: 3 } });
  expect(revisions.at(-1)!.parts?.find((p) => p.type === 'tool-searchDocs')).toMatchObject({ state: 'input-available' });
  record({ kind: 'chat', name: 'one question, a reply streamed around a tool call', messages: 2, changes: streamed, posts: posts.length });
  await context.close();
});
