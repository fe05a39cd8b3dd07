import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, chatId, countPosts, device, launch, send, shot, signIn, someone, waitForMessages } from './harness.js';

let browser: Browser;
beforeAll(async () => { browser = await launch(); });
afterAll(async () => { await browser?.close(); });

async function edit(page: Page, messageId: string, text: string) {
  const li = `[data-testid=message][data-id="${messageId}"]`;
  await page.click(`${li} [data-testid=edit-message]`);
  await page.fill(`${li} [data-testid=edit-input]`, text);
  await page.click(`${li} [data-testid=edit-save]`);
}

describe('one user, two devices editing one message at once', () => {
  it('keeps both edits, and shows the conflict with its versions', async () => {
    const alice = someone('alice');
    const api = await apiAs(alice);
    const laptop = await device(browser, { serviceWorkers: 'block' });
    const phone = await device(browser, { serviceWorkers: 'block' });
    const laptopPosts = countPosts(laptop), phonePosts = countPosts(phone);
    const lp = await laptop.newPage(), pp = await phone.newPage();
    await signIn(lp, alice);
    await signIn(pp, alice);

    await lp.click('[data-testid=persona-notes]');
    await send(lp, 'Plan a trip');
    const id = await chatId(lp);
    const mid = (await lp.getAttribute('[data-testid=message]', 'data-id'))!;
    await api.waitFor(id, (s) => s.messages.length === 1);
    // both devices read revision 1: the laptop its own write back, the phone the conversation
    for (const p of [lp, pp]) {
      await p.click('[data-testid=sync-now]');
      await p.click(`[data-testid=conversation-item][data-id="${id}"]`);
      await waitForMessages(p, 1);
    }

    await edit(lp, mid, 'Plan a trip to Pune');
    await edit(pp, mid, 'Plan a trip to Goa');
    const { stored } = await api.waitFor(id, (s) => (s.messages[0] as { conflicts?: number }).conflicts === 1);
    const sent = [...laptopPosts, ...phonePosts].map((p) => p.body.messages.find((m) => m.id === mid) as { content: string; revision?: number } | undefined)
      .filter((m) => m && m.content !== 'Plan a trip');
    expect(sent.map((m) => m!.revision)).toEqual([1, 1]);
    const current = stored.messages[0]!.content;
    expect(['Plan a trip to Pune', 'Plan a trip to Goa']).toContain(current);

    for (const p of [lp, pp]) {
      await p.click('[data-testid=sync-now]');
      await p.waitForSelector(`[data-testid=message][data-id="${mid}"] [data-testid=conflict-marker][data-count="1"]`, { timeout: 20_000 });
      await p.waitForFunction(([m, t]) => document.querySelector(`[data-testid=message][data-id="${m}"]`)?.textContent?.startsWith(t!), [mid, current]);
    }
    await pp.click(`[data-testid=message][data-id="${mid}"] [data-testid=conflict-marker]`);
    await pp.waitForSelector('[data-testid=message-version]');
    const versions = await pp.$$eval('[data-testid=message-version]', (els) => els.map((e) => [e.getAttribute('data-conflict'), e.textContent]));
    expect(versions.filter(([c]) => c === 'true').map(([, t]) => t)).toEqual([expect.stringContaining(current === 'Plan a trip to Pune' ? 'Goa' : 'Pune')]);
    expect(versions.some(([c, t]) => c === 'false' && t!.endsWith('Plan a trip'))).toBe(true);
    await shot(pp, 'conflict-versions');
    await laptop.close();
    await phone.close();
  });
});
