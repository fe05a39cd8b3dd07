import { appendFileSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/** The local stack scripts/e2e.mjs started: the API and the demo on one origin. */
export const BASE = process.env.CHATSYNC_E2E_URL ?? 'http://localhost:8080';
const OUT = 'target/e2e';
mkdirSync(`${OUT}/screenshots`, { recursive: true });

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Without the networking flags Chromium keeps calling home, and this machine's closed network refuses it.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

/** A fresh device: a context of its own (its own storage), the app's viewport. */
export const device = (browser: Browser, options: BrowserContextOptions = {}) =>
  browser.newContext({ viewport: { width: 1100, height: 720 }, ...options });

let n = 0;
/** A user id no other test and no earlier run uses. */
export const someone = (name: string) => `${name}-${Date.now().toString(36)}-${++n}`;

export async function signIn(page: Page, userId: string) {
  if (!page.url().startsWith(BASE)) await page.goto(BASE);
  await page.fill('[data-testid=user-id]', userId);
  await page.click('[data-testid=sign-in]');
  await page.waitForSelector('[data-testid=signed-in-as]');
}

/** Types a message and presses Enter, as a person would; answers when the key went down. */
export async function send(page: Page, text: string) {
  await page.fill('[data-testid=composer]', text);
  await page.press('[data-testid=composer]', 'Enter');
  return Date.now();
}

export const chatId = (page: Page) => page.getAttribute('[data-testid=chat]', 'data-id') as Promise<string>;

export const replyDone = (page: Page) => page.waitForSelector('[data-testid=streaming]', { state: 'detached', timeout: 30_000 });

export const texts = (page: Page) => page.$$eval('[data-testid=message]', (els) => els.map((e) => e.textContent ?? ''));

export const waitForMessages = (page: Page, count: number) =>
  page.waitForFunction((c) => document.querySelectorAll('[data-testid=message]').length === c, count, { timeout: 20_000 });

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${OUT}/screenshots/${name}.png` });
}

export function record(row: Record<string, unknown>) {
  appendFileSync(`${OUT}/metrics.jsonl`, JSON.stringify(row) + '\n');
}

/** POSTs to /api/messages made by the pages of a context, with their bodies and the page that sent each. */
export function countPosts(context: BrowserContext) {
  const posts: { page: Page | undefined; body: { conversationId: string; messages: { id: string; content: string }[] }; at: number }[] = [];
  context.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/messages') {
      posts.push({ page: r.frame()?.page(), body: r.postDataJSON(), at: Date.now() });
    }
  });
  return posts;
}

interface StoredMessage { id: string; role: string; content: string; parts?: { type: string; [k: string]: unknown }[]; revision: number }
export interface Stored { conversation: { conversationId: string; title?: string }; messages: StoredMessage[] }

/** The API as the user sees it, read from the test (outside the browser). */
export async function apiAs(userId: string) {
  const { token } = (await (await fetch(`${BASE}/dev/tokens`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userId }),
  })).json()) as { token: string };
  const get = async (path: string) => {
    const r = await fetch(BASE + path, { headers: { Authorization: `Bearer ${token}` } });
    return r.status === 404 ? undefined : (r.json() as Promise<any>);
  };
  return {
    conversation: (id: string) => get(`/api/messages?conversationId=${encodeURIComponent(id)}`) as Promise<Stored | undefined>,
    list: async () => ((await get('/api/messages')) as { conversations: { conversationId: string }[] }).conversations,
    revisions: (c: string, m: string) => get(`/api/messages/revisions?conversationId=${c}&messageId=${m}`),
    /** Polls until the stored conversation satisfies `done`; answers it and when it was first seen so. */
    async waitFor(id: string, done: (s: Stored) => boolean, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      let last: Stored | undefined;
      while (Date.now() < until) {
        last = await this.conversation(id);
        if (last && done(last)) return { stored: last, at: Date.now() };
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`conversation ${id} not as expected after ${timeoutMs} ms: ${JSON.stringify(last)}`);
    },
  };
}
