import type { SyncProblem } from './types.js';

/** `getToken` as Clerk's `session.getToken` has it: `refresh` asks for a new token instead of the cached one. */
export type GetToken = (options?: { refresh: true }) => Promise<string | null | undefined> | string | null | undefined;

/**
 * What one request came to, decided here and nowhere else: `ok` (2xx, 304), `retry` (the network,
 * 5xx, 429: the same request may succeed later, after `delay` ms when the server said so), or `reject`
 * (any other 4xx, and a 401 that a fresh token did not cure: sending it again cannot help).
 */
export type Outcome =
  | { kind: 'ok'; response: Response }
  | { kind: 'retry'; delay?: number; problem: SyncProblem }
  | { kind: 'reject'; problem: SyncProblem };

/** Retry-After in ms: delta-seconds or an HTTP date. */
export function retryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - now;
  return Number.isNaN(ms) ? undefined : Math.max(0, ms);
}

async function problemOf(r: Response): Promise<SyncProblem> {
  const p = (await r.json().catch(() => ({}))) as Partial<SyncProblem>;
  return { ...p, status: r.status, title: p.title ?? r.statusText ?? 'HTTP ' + r.status };
}

export async function classify(r: Response, now: number): Promise<Outcome> {
  if (r.ok || r.status === 304) return { kind: 'ok', response: r };
  const problem = await problemOf(r);
  if (r.status === 429 || r.status >= 500) {
    const delay = retryAfter(r.headers.get('Retry-After'), now);
    return delay === undefined ? { kind: 'retry', problem } : { kind: 'retry', delay, problem };
  }
  return { kind: 'reject', problem };
}

export interface Http {
  (method: string, path: string, init?: { body?: string; keepalive?: boolean; headers?: Record<string, string> }): Promise<Outcome>;
}

/** Requests with the user's token; a 401 asks `getToken` for a fresh token once and tries again. */
export function http(baseUrl: string, getToken: GetToken, fetcher: typeof fetch, now: () => number): Http {
  return async (method, path, init = {}) => {
    for (let refresh = false; ; refresh = true) {
      let response: Response;
      try {
        const token = await getToken(refresh ? { refresh: true } : undefined);
        const headers: Record<string, string> = { ...init.headers };
        if (token) headers.Authorization = 'Bearer ' + token;
        if (init.body) headers['Content-Type'] = 'application/json';
        response = await fetcher(baseUrl + path, { method, headers, body: init.body, keepalive: init.keepalive });
      } catch (e) {
        return { kind: 'retry', problem: { title: 'network error', detail: String(e) } };
      }
      if (response.status !== 401 || refresh) return classify(response, now());
    }
  };
}
