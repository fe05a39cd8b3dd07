import { describe, expect, it, vi } from 'vitest';
import { classify, http, retryAfter } from '../src/core/http.js';
import { json } from './fakes.js';

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfter('5', 0)).toBe(5000);
    expect(retryAfter(' 0 ', 0)).toBe(0);
    expect(retryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(retryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 20_000)).toBe(0);
    expect(retryAfter(null, 0)).toBeUndefined();
    expect(retryAfter('soon', 0)).toBeUndefined();
  });
});

describe('classify', () => {
  it('accepts 2xx and 304', async () => {
    expect((await classify(json(202, {}), 0)).kind).toBe('ok');
    expect((await classify(json(304, null), 0)).kind).toBe('ok');
  });

  it('retries 5xx and 429, after Retry-After when given', async () => {
    expect(await classify(json(503, { title: 'Kafka' }, { 'Retry-After': '3' }), 0)).toMatchObject({ kind: 'retry', delay: 3000, problem: { status: 503, title: 'Kafka' } });
    expect(await classify(json(429, {}), 0)).toMatchObject({ kind: 'retry', problem: { status: 429 } });
    expect(await classify(json(500, {}), 0)).not.toHaveProperty('delay');
  });

  it('rejects other 4xx with the problem', async () => {
    const o = await classify(json(400, { title: 'Bad Request', errors: [{ field: 'messages[0].role', rule: 'enum' }] }), 0);
    expect(o).toMatchObject({ kind: 'reject', problem: { status: 400, errors: [{ field: 'messages[0].role', rule: 'enum' }] } });
    expect(await classify(new Response('not json', { status: 413, statusText: 'Payload Too Large' }), 0)).toMatchObject({ kind: 'reject', problem: { status: 413, title: 'Payload Too Large' } });
  });
});

describe('http', () => {
  it('sends the token, and on a 401 a fresh one, once', async () => {
    const getToken = vi.fn(async (o?: { refresh: true }) => (o?.refresh ? 'fresh' : 'stale'));
    const fetcher = vi.fn(async (_u: unknown, init?: RequestInit) =>
      ((init!.headers as Record<string, string>).Authorization === 'Bearer fresh' ? json(200, {}) : json(401, {})));
    const call = http('https://api', getToken, fetcher as typeof fetch, () => 0);
    expect((await call('GET', '/api/messages')).kind).toBe('ok');
    expect(fetcher).toHaveBeenCalledTimes(2);
    expect(getToken.mock.calls).toEqual([[undefined], [{ refresh: true }]]);
    fetcher.mockImplementation(async () => json(401, { title: 'Unauthorized' }));
    expect(await call('GET', '/api/messages')).toMatchObject({ kind: 'reject', problem: { status: 401 } });
    expect(fetcher).toHaveBeenCalledTimes(4);
  });

  it('turns a network failure into a retry', async () => {
    const call = http('', () => 't', (async () => { throw new TypeError('Failed to fetch'); }) as typeof fetch, () => 0);
    expect(await call('POST', '/api/messages', { body: '{}' })).toMatchObject({ kind: 'retry', problem: { title: 'network error' } });
  });
});
