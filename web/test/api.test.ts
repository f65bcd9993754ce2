import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stallingResponse } from './stallingResponse';
import { createCounterApi, type CounterApiOptions } from '../src/client/api';
import { ApiError, NETWORK_FAILURE_DETAIL } from '../src/client/problem';
import { startLocalServer, type LocalServer } from './localServer';

const apiBase = 'https://example.test/api';
const visitorId = '0b7c2a8e-35f1-4d8e-9a55-2f1f6c0e9d11';

const result = {
  name: 'votes',
  value: 12,
  version: 7,
  updatedAt: '2026-01-02T03:04:05Z',
  lanes: { 'lane-03': { value: 10, version: 5 }, 'lane-17': { value: 2, version: 2 } },
  by: 5,
  yourTotal: 9,
};

const ok = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });

const problem = (status: number, detail: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: 'about:blank', title: 'Error', status, detail }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });

function setup(responses: Array<Response | Error>, options: Partial<CounterApiOptions> = {}) {
  const queue = [...responses];
  const fetchFn = vi.fn<typeof fetch>(async () => {
    const next = queue.shift();
    if (next === undefined) throw new Error('unexpected extra request');
    if (next instanceof Error) throw next;
    return next;
  });
  const sleep = vi.fn(async (_ms: number) => {});
  const api = createCounterApi({ apiBase, visitorId, fetch: fetchFn, sleep, random: () => 0, ...options });
  return { api, fetchFn, sleep };
}

const headersOf = (fetchFn: ReturnType<typeof setup>['fetchFn'], call: number) =>
  new Headers(fetchFn.mock.calls[call]![1]!.headers);

describe('increment', () => {
  it('posts {by} with the idempotency key and visitor id headers', async () => {
    const { api, fetchFn } = setup([ok(result)]);
    await expect(api.increment('votes', 5, 'key-1')).resolves.toEqual(result);

    const [url, init] = fetchFn.mock.calls[0]!;
    expect(url).toBe('https://example.test/api/counters/votes/increment');
    expect(init!.method).toBe('POST');
    expect(JSON.parse(init!.body as string)).toEqual({ by: 5 });
    const headers = headersOf(fetchFn, 0);
    expect(headers.get('Content-Type')).toBe('application/json');
    expect(headers.get('Idempotency-Key')).toBe('key-1');
    expect(headers.get('X-Visitor-Id')).toBe(visitorId);
  });

  it('retries a network failure with the same idempotency key', async () => {
    const { api, fetchFn, sleep } = setup([new TypeError('Failed to fetch'), ok(result)]);
    await expect(api.increment('votes', 5)).resolves.toEqual(result);

    expect(fetchFn).toHaveBeenCalledTimes(2);
    const first = headersOf(fetchFn, 0).get('Idempotency-Key');
    expect(first).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(headersOf(fetchFn, 1).get('Idempotency-Key')).toBe(first);
    expect(fetchFn.mock.calls[1]![1]!.body).toBe(fetchFn.mock.calls[0]![1]!.body);
    expect(sleep).toHaveBeenCalledOnce();
  });

  it('uses a fresh key for each increment', async () => {
    const { api, fetchFn } = setup([ok(result), ok(result)]);
    await api.increment('votes', 1);
    await api.increment('votes', 1);
    expect(headersOf(fetchFn, 0).get('Idempotency-Key')).not.toBe(headersOf(fetchFn, 1).get('Idempotency-Key'));
  });

  it.each([400, 404, 409, 413, 422, 429])('does not retry a %i, and reports its detail', async (status) => {
    const { api, fetchFn, sleep } = setup([problem(status, `detail for ${status}`), ok(result)]);
    const error = await api.increment('votes', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status, detail: `detail for ${status}` });
    expect(fetchFn).toHaveBeenCalledOnce();
    expect(sleep).not.toHaveBeenCalled();
  });

  it('retries a 503 after its Retry-After, with the same key', async () => {
    const { api, fetchFn, sleep } = setup([problem(503, 'busy', { 'Retry-After': '2' }), ok(result)]);
    await expect(api.increment('votes', 5)).resolves.toEqual(result);
    expect(fetchFn).toHaveBeenCalledTimes(2);
    expect(headersOf(fetchFn, 1).get('Idempotency-Key')).toBe(headersOf(fetchFn, 0).get('Idempotency-Key'));
    const waited = sleep.mock.calls[0]![0];
    expect(waited).toBeGreaterThanOrEqual(2000);
    expect(waited).toBeLessThanOrEqual(2250);
  });

  it('gives up on a 503 after a bounded number of attempts and shows its detail', async () => {
    const { api, fetchFn } = setup(
      Array.from({ length: 10 }, () => problem(503, 'The store is unavailable.', { 'Retry-After': '1' })),
      { incrementAttempts: 3 },
    );
    await expect(api.increment('votes', 1)).rejects.toMatchObject({ status: 503, detail: 'The store is unavailable.' });
    expect(fetchFn).toHaveBeenCalledTimes(3);
  });

  it('gives up on network failures after a bounded number of attempts', async () => {
    const { api, fetchFn, sleep } = setup(Array.from({ length: 10 }, () => new TypeError('Failed to fetch')));
    await expect(api.increment('votes', 1)).rejects.toMatchObject({ status: 0 });
    expect(fetchFn).toHaveBeenCalledTimes(5);
    expect(sleep).toHaveBeenCalledTimes(4);
    const keys = fetchFn.mock.calls.map((_, i) => headersOf(fetchFn, i).get('Idempotency-Key'));
    expect(new Set(keys).size).toBe(1);
  });

  it('treats a request that never answers as a network failure and retries it', async () => {
    let calls = 0;
    const fetchFn = vi.fn<typeof fetch>(
      (_url, init) =>
        new Promise((resolve, reject) => {
          calls += 1;
          if (calls > 1) return resolve(ok(result));
          init!.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const api = createCounterApi({ apiBase, visitorId, fetch: fetchFn, sleep: async () => {}, timeoutMs: 5 });
    await expect(api.increment('votes', 5)).resolves.toEqual(result);
    expect(fetchFn).toHaveBeenCalledTimes(2);
  });

  it.each([500, 501, 599])('retries a %i with the same key (the increment may have been committed)', async (status) => {
    const { api, fetchFn, sleep } = setup([problem(status, 'An unexpected error occurred.'), ok(result)]);
    await expect(api.increment('votes', 5)).resolves.toEqual(result);
    expect(fetchFn).toHaveBeenCalledTimes(2);
    expect(headersOf(fetchFn, 1).get('Idempotency-Key')).toBe(headersOf(fetchFn, 0).get('Idempotency-Key'));
    expect(sleep).toHaveBeenCalledOnce();
  });

  it('gives up on a 500 after a bounded number of attempts and reports the last problem', async () => {
    const { api, fetchFn } = setup(Array.from({ length: 10 }, (_, i) => problem(500, `failure ${i + 1}`)));
    await expect(api.increment('votes', 1)).rejects.toMatchObject({ status: 500, detail: 'failure 5' });
    expect(fetchFn).toHaveBeenCalledTimes(5);
    const keys = fetchFn.mock.calls.map((_, i) => headersOf(fetchFn, i).get('Idempotency-Key'));
    expect(new Set(keys).size).toBe(1);
  });

  it('falls back to the status when an error has no problem body', async () => {
    const { api } = setup([new Response('oops', { status: 500, statusText: 'Internal Server Error' })], {
      incrementAttempts: 1,
    });
    await expect(api.increment('votes', 1)).rejects.toMatchObject({ status: 500, detail: expect.stringContaining('500') });
  });
});

describe('increment whose 200 is cut off mid-body (Functions, when the SignalR output fails after the function returned)', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const json = JSON.stringify(result);

  /** Status and headers, half the body, then the socket goes: what the Functions host sends. */
  function cutOff(response: ServerResponse, framing: 'content-length' | 'chunked'): void {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (framing === 'content-length') headers['Content-Length'] = String(Buffer.byteLength(json));
    response.writeHead(200, headers);
    response.write(json.slice(0, json.length / 2), () => response.socket?.destroy());
  }

  /** The retry: the host answers from the stored result. */
  function replay(response: ServerResponse): void {
    response.writeHead(200, { 'Content-Type': 'application/json', 'Idempotent-Replayed': 'true' });
    response.end(json);
  }

  it.each(['content-length', 'chunked'] as const)(
    'retries with the same Idempotency-Key and returns the replayed result (%s framing)',
    async (framing) => {
      const keys: Array<string | undefined> = [];
      server = await startLocalServer((request, response) => {
        keys.push(request.headers['idempotency-key'] as string | undefined);
        if (keys.length === 1) cutOff(response, framing);
        else replay(response);
      });
      const api = createCounterApi({ apiBase: `${server.origin}/api`, visitorId, sleep: async () => {}, random: () => 0 });

      await expect(api.increment('votes', 5, 'click-1')).resolves.toEqual(result);
      expect(keys).toEqual(['click-1', 'click-1']);
    },
  );

  it('reads the cut body as a failed read in this runtime, so the test above is about something', async () => {
    server = await startLocalServer((_request, response) => cutOff(response, 'content-length'));
    const response = await fetch(`${server.origin}/api/counters/votes/increment`, { method: 'POST' });
    expect(response.ok).toBe(true);
    await expect(response.json()).rejects.toThrow();
  });

  it('retries a 200 whose JSON ends early (a cut body without framing) with the same key', async () => {
    const truncated = new Response(json.slice(0, 30), { status: 200, headers: { 'Content-Type': 'application/json' } });
    const { api, fetchFn } = setup([truncated, ok(result)]);
    await expect(api.increment('votes', 5, 'click-1')).resolves.toEqual(result);
    expect(fetchFn).toHaveBeenCalledTimes(2);
    expect(headersOf(fetchFn, 1).get('Idempotency-Key')).toBe('click-1');
  });

  it('gives up after the bounded attempts with the network failure text, the outcome being unknown', async () => {
    const cut = () => new Response(json.slice(0, 30), { status: 200, headers: { 'Content-Type': 'application/json' } });
    const { api, fetchFn } = setup(Array.from({ length: 10 }, cut));
    await expect(api.increment('votes', 5)).rejects.toMatchObject({ status: 0, detail: NETWORK_FAILURE_DETAIL });
    expect(fetchFn).toHaveBeenCalledTimes(5);
  });

  it('does not retry a whole 200 body that is not an increment result', async () => {
    const { api, fetchFn } = setup([ok({ name: 'votes', value: 'many' }), ok(result)]);
    await expect(api.increment('votes', 5)).rejects.toMatchObject({ status: 200 });
    expect(fetchFn).toHaveBeenCalledOnce();
  });
});

describe('increment whose 200 stalls mid-body', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await server?.close();
    server = undefined;
  });

  const json = JSON.stringify(result);

  /**
   * Hands the client the response with a body that reports when the client first asks for it, so
   * the clock moves only once the client is reading the body, not while it is still handling the
   * headers (a timeout that lasts only until the headers would otherwise look like it covers the body).
   */
  function reportingBodyRead(response: Response, onRead: () => void): Response {
    const reader = response.body!.getReader();
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          onRead();
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: response.status, headers: response.headers });
  }

  it('counts the stalled body as no response after the request timeout and retries with the same key', async () => {
    const keys: Array<string | undefined> = [];
    server = await startLocalServer((request, response) => {
      keys.push(request.headers['idempotency-key'] as string | undefined);
      if (keys.length === 1) {
        // Status, headers and half the body, then nothing more, and the socket stays open.
        response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(json)) });
        response.write(json.slice(0, json.length / 2));
      } else {
        response.writeHead(200, { 'Content-Type': 'application/json', 'Idempotent-Replayed': 'true' });
        response.end(json);
      }
    });
    let requests = 0;
    let bodyRead!: () => void;
    const firstBodyRead = new Promise<void>((resolve) => (bodyRead = resolve));
    const fetchFn: typeof fetch = async (input, init) => {
      requests += 1;
      const response = await fetch(input, init);
      return requests === 1 ? reportingBodyRead(response, bodyRead) : response;
    };
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const api = createCounterApi({
      apiBase: `${server.origin}/api`,
      visitorId,
      fetch: fetchFn,
      sleep: async () => {},
      random: () => 0,
    });

    const outcome = api.increment('votes', 5, 'click-1');
    // Marked handled so that a failed assertion below does not also report an unhandled rejection.
    outcome.catch(() => {});
    await firstBodyRead;
    await vi.advanceTimersByTimeAsync(15_000);

    expect(requests).toBe(2);
    await expect(outcome).resolves.toEqual(result);
    expect(keys).toEqual(['click-1', 'click-1']);
  });
});

describe('answers whose body stalls (fake fetch)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the status of a 4xx whose problem body stalls, and does not retry it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { response, reading } = stallingResponse(422, { 'Content-Type': 'application/problem+json' }, '{"status":422,"det');
    const { api, fetchFn } = setup([response, ok(result)]);
    const outcome = api.increment('votes', 5);
    outcome.catch(() => {});
    await reading;
    await vi.advanceTimersByTimeAsync(15_000);

    await expect(outcome).rejects.toMatchObject({ status: 422, detail: expect.stringContaining('422') });
    expect(fetchFn).toHaveBeenCalledOnce();
  });

  it('retries a 503 whose problem body stalls after its Retry-After, with the same key', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { response, reading } = stallingResponse(503, { 'Content-Type': 'application/problem+json', 'Retry-After': '2' }, '{"st');
    const { api, fetchFn, sleep } = setup([response, ok(result)]);
    const outcome = api.increment('votes', 5);
    outcome.catch(() => {});
    await reading;
    await vi.advanceTimersByTimeAsync(15_000);

    await expect(outcome).resolves.toEqual(result);
    expect(fetchFn).toHaveBeenCalledTimes(2);
    expect(headersOf(fetchFn, 1).get('Idempotency-Key')).toBe(headersOf(fetchFn, 0).get('Idempotency-Key'));
    expect(sleep.mock.calls[0]![0]).toBeGreaterThanOrEqual(2000);
  });

  it('reports a counter whose body stalls as a network failure', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { response, reading } = stallingResponse(200, { 'Content-Type': 'application/json' }, '{"name":"votes","va');
    const { api } = setup([response]);
    const outcome = api.getCounter('votes');
    outcome.catch(() => {});
    await reading;
    await vi.advanceTimersByTimeAsync(15_000);

    await expect(outcome).rejects.toMatchObject({ status: 0, detail: NETWORK_FAILURE_DETAIL });
  });
});

describe('getCounter and subscribe', () => {
  it('reads a counter', async () => {
    const { api, fetchFn } = setup([ok({ name: 'votes', value: 0, version: 0, updatedAt: null, lanes: {} })]);
    await expect(api.getCounter('votes')).resolves.toEqual({ name: 'votes', value: 0, version: 0, updatedAt: null, lanes: {} });
    expect(fetchFn.mock.calls[0]![0]).toBe('https://example.test/api/counters/votes');
  });

  it('rejects a malformed counter body', async () => {
    const { api } = setup([ok({ name: 'votes', value: 'many' })]);
    await expect(api.getCounter('votes')).rejects.toBeInstanceOf(ApiError);
  });

  it('reports a counter body that ends early as a network failure', async () => {
    const cut = new Response('{"name":"votes","val', { status: 200, headers: { 'Content-Type': 'application/json' } });
    const { api } = setup([cut]);
    await expect(api.getCounter('votes')).rejects.toMatchObject({ status: 0, detail: NETWORK_FAILURE_DETAIL });
  });

  it('subscribes a connection id', async () => {
    const { api, fetchFn } = setup([new Response(null, { status: 204 })]);
    await api.subscribe('votes', 'abc_DEF-123');
    const [url, init] = fetchFn.mock.calls[0]!;
    expect(url).toBe('https://example.test/api/counters/votes/subscriptions');
    expect(init!.method).toBe('POST');
    expect(JSON.parse(init!.body as string)).toEqual({ connectionId: 'abc_DEF-123' });
  });

  it('reports a 404 on subscribe (unknown connection) as an ApiError, for the caller to retry', async () => {
    const { api, fetchFn } = setup([problem(404, 'Unknown connection.')]);
    await expect(api.subscribe('votes', 'abc')).rejects.toMatchObject({ status: 404, detail: 'Unknown connection.' });
    expect(fetchFn).toHaveBeenCalledOnce();
  });
});
