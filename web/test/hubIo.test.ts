import { AbortError, HttpError, TimeoutError, type AbortSignal as SignalRAbortSignal, type HttpRequest } from '@microsoft/signalr';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stallingResponse } from './stallingResponse';
import { BoundedHttpClient, cuttableEventSource, cuttableWebSocket } from '../src/client/hubIo';

/** A 200 JSON response whose body sends `start` and then nothing more. */
function stalling(start: string) {
  return stallingResponse(200, { 'Content-Type': 'application/json' }, start);
}

/** Settles the way a fetch does when its signal aborts: with the signal's reason. */
function abortable(response: Response, signal: AbortSignal | null | undefined): Response {
  const reader = response.body!.getReader();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}

const negotiate: HttpRequest = { method: 'POST', url: 'https://example.test/api/negotiate?negotiateVersion=1', content: '', timeout: 100_000 };

describe('BoundedHttpClient', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fails a request whose body stalls once the request's timeout is up, as a timeout", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { response, reading } = stalling('{"negotiateVersion":1,');
    const fetchFn = vi.fn<typeof fetch>(async (_input, init) => abortable(response, init?.signal));
    const client = new BoundedHttpClient(fetchFn, () => undefined);

    const sent = client.send(negotiate);
    sent.catch(() => {});
    await reading;
    await vi.advanceTimersByTimeAsync(100_000);

    await expect(sent).rejects.toBeInstanceOf(TimeoutError);
    expect(fetchFn.mock.calls[0]![1]!.signal!.aborted).toBe(true);
  });

  it('cuts the body of a request sent during a start once that start is stopped', async () => {
    const { response, reading } = stalling('{"negotiateVersion":1,');
    const start = new AbortController();
    const fetchFn = vi.fn<typeof fetch>(async (_input, init) => abortable(response, init?.signal));
    const client = new BoundedHttpClient(fetchFn, () => start.signal);

    const sent = client.send(negotiate);
    sent.catch(() => {});
    await reading;
    start.abort();

    await expect(sent).rejects.toBeInstanceOf(AbortError);
  });

  it("heeds SignalR's own abort signal, as long polling's stop uses it", async () => {
    const { response, reading } = stalling('');
    const poll: SignalRAbortSignal = { aborted: false, onabort: null };
    const fetchFn = vi.fn<typeof fetch>(async (_input, init) => abortable(response, init?.signal));
    const client = new BoundedHttpClient(fetchFn, () => undefined);

    const sent = client.send({ method: 'GET', url: 'https://example.test/api?id=t', abortSignal: poll, timeout: 100_000 });
    sent.catch(() => {});
    await reading;
    poll.aborted = true; // what SignalR's own AbortController.abort() does
    poll.onabort?.();

    await expect(sent).rejects.toBeInstanceOf(AbortError);
  });

  it('sends nothing for a start already stopped', async () => {
    const start = new AbortController();
    start.abort();
    const fetchFn = vi.fn<typeof fetch>();
    const client = new BoundedHttpClient(fetchFn, () => start.signal);

    await expect(client.send(negotiate)).rejects.toBeInstanceOf(AbortError);
    expect(fetchFn).not.toHaveBeenCalled();
  });

  it("sends what SignalR's fetch client sends, so a cross-origin API's CORS rules still fit", async () => {
    const fetchFn = vi.fn<typeof fetch>(async () => new Response('{}'));
    const client = new BoundedHttpClient(fetchFn, () => undefined);

    await client.send({ ...negotiate, headers: { 'X-SignalR-User-Agent': 'ua' }, content: '{"protocol":"json"}' });

    const [url, init] = fetchFn.mock.calls[0]!;
    expect(url).toBe(negotiate.url);
    expect(init).toMatchObject({ method: 'POST', body: '{"protocol":"json"}', cache: 'no-cache', credentials: 'same-origin', mode: 'cors' });
    expect(init!.headers).toEqual({
      'X-Requested-With': 'XMLHttpRequest',
      'X-SignalR-User-Agent': 'ua',
      'Content-Type': 'text/plain;charset=UTF-8',
    });
  });

  it('answers with the status and text, and fails a non-2xx with its status', async () => {
    const fetchFn = vi
      .fn<typeof fetch>()
      .mockResolvedValueOnce(new Response('{"url":"https://x"}', { status: 200 }))
      .mockResolvedValueOnce(new Response('Not here', { status: 404 }));
    const client = new BoundedHttpClient(fetchFn, () => undefined);

    await expect(client.send(negotiate)).resolves.toMatchObject({ statusCode: 200, content: '{"url":"https://x"}' });
    const refused = client.send(negotiate);
    await expect(refused).rejects.toBeInstanceOf(HttpError);
    await expect(refused).rejects.toMatchObject({ statusCode: 404, message: expect.stringContaining('Not here') });
  });
});

/** The part of a browser WebSocket the cut touches. */
class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  readyState = FakeWebSocket.CONNECTING;
  readonly close = vi.fn(() => {
    this.readyState = 3;
  });
  constructor(readonly url: string) {}
}

/** The part of a browser EventSource the cut touches; on* handlers run for dispatched events, as a browser's do. */
class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  readyState = FakeEventSource.CONNECTING;
  onerror: ((event: Event) => void) | null = null;
  readonly close = vi.fn(() => {
    this.readyState = 2;
  });
  constructor(readonly url: string) {
    super();
  }
  override dispatchEvent(event: Event): boolean {
    if (event.type === 'error') this.onerror?.(event);
    return super.dispatchEvent(event);
  }
}

describe('cuttableWebSocket', () => {
  const CuttableWebSocket = (start: AbortController | undefined) =>
    cuttableWebSocket(FakeWebSocket as unknown as typeof WebSocket, () => start?.signal);

  it('closes a socket of a start that is stopped while it is still opening', () => {
    const start = new AbortController();
    const socket = new (CuttableWebSocket(start))('wss://example.test/api?id=t') as unknown as FakeWebSocket;
    start.abort();
    expect(socket.close).toHaveBeenCalledOnce();
  });

  it('leaves a socket that has opened to SignalR, which closes it gracefully', () => {
    const start = new AbortController();
    const socket = new (CuttableWebSocket(start))('wss://example.test/api?id=t') as unknown as FakeWebSocket;
    socket.readyState = FakeWebSocket.OPEN;
    start.abort();
    expect(socket.close).not.toHaveBeenCalled();
  });

  it('leaves a socket opened outside any start alone', () => {
    const socket = new (CuttableWebSocket(undefined))('wss://example.test/api?id=t') as unknown as FakeWebSocket;
    expect(socket.url).toBe('wss://example.test/api?id=t');
    expect(socket.close).not.toHaveBeenCalled();
  });
});

describe('cuttableEventSource', () => {
  it("closes a source still opening when its start is stopped, and reports the error SignalR's connect waits for", () => {
    const start = new AbortController();
    const Cuttable = cuttableEventSource(FakeEventSource as unknown as typeof EventSource, () => start.signal);
    const source = new Cuttable('https://example.test/api?id=t') as unknown as FakeEventSource;
    const onerror = vi.fn();
    source.onerror = onerror;

    start.abort();

    expect(source.close).toHaveBeenCalledOnce();
    expect(onerror).toHaveBeenCalledOnce();
  });

  it('reports the error to handlers set after it was made, for a start stopped already', async () => {
    const start = new AbortController();
    start.abort();
    const Cuttable = cuttableEventSource(FakeEventSource as unknown as typeof EventSource, () => start.signal);
    const source = new Cuttable('https://example.test/api?id=t') as unknown as FakeEventSource;
    const onerror = vi.fn();
    source.onerror = onerror; // as SignalR does, right after construction

    await Promise.resolve();

    expect(source.close).toHaveBeenCalledOnce();
    expect(onerror).toHaveBeenCalledOnce();
  });
});
