import { afterEach, describe, expect, it, vi } from 'vitest';
import { stallingResponse } from './stallingResponse';
import { loadConfig, resolveApiBase } from '../src/client/config';

const root = new URL('https://example.test/apps/livecounter/');

function respondWith(body: unknown, init: ResponseInit = { status: 200 }) {
  return vi.fn<typeof fetch>(async () =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      ...init,
      headers: { 'Content-Type': 'application/json' },
    }),
  );
}

describe('loadConfig', () => {
  it('reads config.json from the site root, not from the page folder', async () => {
    const fetchFn = respondWith({ apiBase: '/api' });
    await loadConfig(root, fetchFn);
    expect(fetchFn).toHaveBeenCalledOnce();
    expect(String(fetchFn.mock.calls[0]![0])).toBe('https://example.test/apps/livecounter/config.json');
  });

  it('uses apiBase from config.json, without a trailing slash', async () => {
    const config = await loadConfig(root, respondWith({ apiBase: 'https://counter-fn.azurewebsites.net/api/' }));
    expect(config.apiBase).toBe('https://counter-fn.azurewebsites.net/api');
  });

  it('resolves the committed "/api" to the same origin', async () => {
    const config = await loadConfig(root, respondWith({ apiBase: '/api' }));
    expect(config.apiBase).toBe('https://example.test/api');
  });

  it('falls back to same-origin /api when config.json is missing', async () => {
    const config = await loadConfig(root, respondWith({ title: 'Not Found' }, { status: 404 }));
    expect(config.apiBase).toBe('https://example.test/api');
  });

  it('falls back to /api when the request fails', async () => {
    const config = await loadConfig(root, vi.fn<typeof fetch>(async () => Promise.reject(new TypeError('Failed to fetch'))));
    expect(config.apiBase).toBe('https://example.test/api');
  });

  it.each([
    ['not JSON', '<!doctype html><p>SPA fallback page</p>'],
    ['no apiBase', {}],
    ['apiBase not a string', { apiBase: 42 }],
    ['empty apiBase', { apiBase: '  ' }],
    ['a script URL', { apiBase: 'javascript:alert(1)' }],
    ['a query string', { apiBase: 'https://x.test/api?code=1' }],
    ['an array', ['/api']],
  ])('falls back to /api when config.json has %s', async (_, body) => {
    const config = await loadConfig(root, respondWith(body));
    expect(config.apiBase).toBe('https://example.test/api');
  });
});

describe('loadConfig when config.json stalls', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('falls back to /api once the body has stalled for 15 s, instead of holding the page', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    // Half of a config.json, then nothing.
    const { response, reading } = stallingResponse(200, { 'Content-Type': 'application/json' }, '{"apiBase":"https://counter-fn.azure');
    const fetchFn = vi.fn<typeof fetch>(async () => response);
    let config: { apiBase: string } | undefined;
    void loadConfig(root, fetchFn).then((loaded) => (config = loaded));
    await reading;
    await vi.advanceTimersByTimeAsync(15_000);

    expect(config).toEqual({ apiBase: 'https://example.test/api' });
    expect(fetchFn.mock.calls[0]![1]!.signal!.aborted).toBe(true);
  });
});

describe('resolveApiBase', () => {
  const configUrl = new URL('config.json', root);

  it('resolves a relative value against config.json itself', () => {
    expect(resolveApiBase('api', configUrl)).toBe('https://example.test/apps/livecounter/api');
  });

  it('keeps an absolute value on another origin', () => {
    expect(resolveApiBase('http://localhost:7071/api', configUrl)).toBe('http://localhost:7071/api');
  });
});
