import { describe, expect, it } from 'vitest';
import { fromApp, fromServer, hash, toUIMessage } from '../src/core/messages.js';

describe('fingerprints', () => {
  it('are equal for the same JSON value, whatever the key order, as jsonb gives it back', () => {
    const sent = fromApp({ id: 'm', role: 'assistant', parts: [{ type: 'tool-x', input: { b: 1, a: [1, { d: 2, c: 3 }] } } as never], metadata: { z: 1, y: 2 } }, 0);
    const back = fromServer({ id: 'm', role: 'assistant', content: '', parts: [{ type: 'tool-x', input: { a: [1, { c: 3, d: 2 }], b: 1 } } as never], metadata: { y: 2, z: 1 }, revision: 1 }, 0);
    expect(back.fp).toBe(sent.fp);
  });

  it('change with the content, the parts, the metadata and the role', () => {
    const base = fromApp({ id: 'm', role: 'user', content: 'a' }, 0).fp;
    expect(fromApp({ id: 'm', role: 'user', content: 'b' }, 0).fp).not.toBe(base);
    expect(fromApp({ id: 'm', role: 'assistant', content: 'a' }, 0).fp).not.toBe(base);
    expect(fromApp({ id: 'm', role: 'user', content: 'a', metadata: { k: 1 } }, 0).fp).not.toBe(base);
    expect(fromApp({ id: 'm', role: 'user', content: 'a', parts: [{ type: 'reasoning', text: 'r' } as never] }, 0).fp).not.toBe(base);
  });

  it('ignore undefined fields, as JSON does', () => {
    expect(fromApp({ id: 'm', role: 'user', content: 'a', metadata: { k: 1, gone: undefined } }, 0).fp)
      .toBe(fromApp({ id: 'm', role: 'user', content: 'a', metadata: { k: 1 } }, 0).fp);
  });

  it('take a plain message and the same text as its only part for one version', () => {
    const plain = fromServer({ id: 'm', role: 'user', content: 'hi', revision: 1 }, 0);
    expect(fromApp(toUIMessage(plain), 0).fp).toBe(plain.fp);
    expect(fromApp({ id: 'm', role: 'user', parts: [{ type: 'text', text: 'hi', state: 'done' }] as never }, 0).fp).not.toBe(plain.fp);
  });

  it('are computed once per message object', () => {
    const m = { id: 'm', role: 'user' as const, content: 'a' };
    expect(fromApp(m, 0)).toBe(fromApp(m, 0));
    expect(fromApp(m, 3)).toMatchObject({ order: 3, fp: fromApp(m, 0).fp });
  });

  it('hash strings to short, stable, distinct ids', () => {
    expect(hash('abc')).toBe(hash('abc'));
    expect(hash('abc')).not.toBe(hash('abd'));
    expect(hash('')).toMatch(/^[0-9a-z]+$/);
  });
});

describe('messages', () => {
  it('derive content from text parts and keep createdAt as an instant', () => {
    const m = fromApp({ id: 'm', role: 'assistant', parts: [{ type: 'text', text: 'a' }, { type: 'reasoning', text: 'no' }, { type: 'text', text: 'b' }] as never, createdAt: new Date(0) }, 0);
    expect(m).toMatchObject({ content: 'ab', createdAt: '1970-01-01T00:00:00.000Z' });
  });

  it('become AI SDK UIMessages, with text parts made from the content of plain ones', () => {
    expect(toUIMessage({ id: 'a', role: 'user', content: 'hi' })).toEqual({ id: 'a', role: 'user', parts: [{ type: 'text', text: 'hi' }] });
    const parts = [{ type: 'text', text: 'x' }];
    expect(toUIMessage({ id: 'b', role: 'assistant', content: 'x', parts, metadata: { m: 1 } })).toEqual({ id: 'b', role: 'assistant', parts, metadata: { m: 1 } });
  });
});
