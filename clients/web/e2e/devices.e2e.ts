import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, BASE, chatId, countPosts, device, launch, record, send, shot, signIn, someone, texts, waitForMessages } from './harness.js';

let browser: Browser;
beforeAll(async () => { browser = await launch(); });
afterAll(async () => { await browser?.close(); });

describe('one user, two devices', () => {
  const alice = someone('alice');
  let laptop: BrowserContext, page: Page, id: string;

  it('stores three typed messages about 2 s after the last keystroke, and a second device shows them after a sync', async () => {
    const api = await apiAs(alice);
    laptop = await device(browser, { serviceWorkers: 'block' });
    const posts = countPosts(laptop);
    page = await laptop.newPage();
    await signIn(page, alice);
    const phone = await device(browser);
    const phonePage = await phone.newPage();
    await signIn(phonePage, alice);

    await page.click('[data-testid=persona-notes]');
    let last = 0;
    for (const text of ['Buy milk', 'Call the dentist', 'Read about Kafka partitions']) last = await send(page, text);
    id = await chatId(page);
    const { stored, at } = await apiAs(alice).then((a) => a.waitFor(id, (s) => s.messages.length === 3));
    record({ kind: 'latency', test: 'three messages', ms: at - last });
    expect(at - last).toBeGreaterThanOrEqual(1900);
    expect(at - last).toBeLessThan(6000);
    expect(stored.messages.map((m) => m.content)).toEqual(['Buy milk', 'Call the dentist', 'Read about Kafka partitions']);
    expect(posts).toHaveLength(1);
    await page.waitForSelector('[data-testid=chat-status][data-state=acknowledged]');
    await shot(page, 'laptop-saved');

    const feed: number[] = [];
    phonePage.on('response', (r) => { if (new URL(r.url()).pathname === '/api/changes') feed.push(r.status()); });
    await phonePage.click('[data-testid=sync-now]');
    await phonePage.click(`[data-testid=conversation-item][data-id="${id}"]`);
    await waitForMessages(phonePage, 3);
    expect(await texts(phonePage)).toEqual(['Buy milk', 'Call the dentist', 'Read about Kafka partitions']);
    await shot(phonePage, 'phone-after-sync');
    expect(feed).toEqual([200]);
    expect((await api.list()).map((c) => c.conversationId)).toEqual([id]);
    await phone.close();
  });

  it('stores each note about 2 s after its last keystroke, five times over', async () => {
    const api = await apiAs(alice);
    await page.click('[data-testid=persona-notes]');
    for (let i = 1; i <= 5; i++) {
      const last = await send(page, `Note ${i}`);
      const { at } = await api.waitFor(await chatId(page), (s) => s.messages.length === i);
      record({ kind: 'latency', test: `note ${i}`, ms: at - last });
      expect(at - last).toBeGreaterThanOrEqual(1900);
    }
    await page.click(`[data-testid=conversation-item][data-id="${id}"]`);
    await waitForMessages(page, 3);
  });

  it('brings the conversations back from the server after the site data is cleared', async () => {
    const cdp = await laptop.newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', { origin: BASE, storageTypes: 'all' });
    await page.reload();
    await page.waitForSelector('[data-testid=sign-in]');
    expect(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).toEqual([]);
    await signIn(page, alice);
    await page.click(`[data-testid=conversation-item][data-id="${id}"]`);
    await waitForMessages(page, 3);
    expect(await texts(page)).toEqual(['Buy milk', 'Call the dentist', 'Read about Kafka partitions']);
    expect(await page.$$('[data-testid=conversation-item]')).toHaveLength(2);
  });

  it('shows another user none of it, in a fresh browser and after a sign-out in this one', async () => {
    const bob = someone('bob');
    const fresh = await device(browser);
    const bobPage = await fresh.newPage();
    await signIn(bobPage, bob);
    await bobPage.waitForFunction(() => document.querySelector('[data-testid=stats]')?.textContent?.includes('last pull'));
    expect(await bobPage.$$('[data-testid=conversation-item]')).toHaveLength(0);
    expect(await (await apiAs(bob)).list()).toEqual([]);
    await fresh.close();

    await page.click('[data-testid=sign-out]');
    await page.waitForSelector('[data-testid=sign-in]');
    expect(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).not.toContain(`chat-sync.${alice}`);
    await signIn(page, bob);
    await page.waitForFunction(() => document.querySelector('[data-testid=stats]')?.textContent?.includes('last pull'));
    expect(await page.$$('[data-testid=conversation-item]')).toHaveLength(0);
    await laptop.close();
  });
});
