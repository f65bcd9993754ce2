import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from '../src/client/connectionState';
import { createHubConnection } from '../src/client/hub';
import { LiveCounter } from '../src/client/liveCounter';
import { fakeApi, FakeNetwork } from './fakes';
import { startLocalServer, type LocalServer } from './localServer';

/** Something the test waits for: `happened` settles once `fire` is called. */
function moment<T = void>() {
  let fire!: (value: T) => void;
  const happened = new Promise<T>((resolve) => (fire = resolve));
  return { fire, happened };
}

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
  });

const RECORD_SEPARATOR = '\x1e';

/**
 * Just enough of a SignalR server for @microsoft/signalr's own client over long polling, which is
 * plain HTTP and so needs no WebSocket server: a negotiate, the polls, the handshake and the DELETE
 * that ends it.
 */
class LongPollingHub {
  #polls = 0;
  #poll: ServerResponse | undefined;
  #outbox: string[] = [];

  negotiate(response: ServerResponse): void {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(
      JSON.stringify({
        negotiateVersion: 1,
        connectionId: 'conn-1',
        connectionToken: 'token-1',
        availableTransports: [{ transport: 'LongPolling', transferFormats: ['Text', 'Binary'] }],
      }),
    );
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method === 'GET') {
      // The client's first poll only completes the connection.
      if (++this.#polls === 1) return void response.end();
      this.#poll = response;
      return this.#flush();
    }
    if (request.method === 'POST') {
      const body = await readBody(request);
      response.end();
      if (body.startsWith('{"protocol":"json"')) {
        this.#outbox.push(`{}${RECORD_SEPARATOR}`);
        this.#flush();
      }
      return;
    }
    // DELETE: the client is done; a poll still held ends with 204.
    this.#poll?.writeHead(204).end();
    this.#poll = undefined;
    response.writeHead(202).end();
  }

  #flush(): void {
    if (this.#poll === undefined || this.#outbox.length === 0) return;
    this.#poll.writeHead(200, { 'Content-Type': 'text/plain' }).end(this.#outbox.join(''));
    this.#poll = undefined;
    this.#outbox = [];
  }
}

describe('a real @microsoft/signalr connection whose negotiate stalls after its headers', () => {
  let server: LocalServer | undefined;
  let live: LiveCounter | undefined;
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    vi.useRealTimers();
    await server?.close();
    server = undefined;
  });

  it('is cut when the page gives up on the start, and the next start connects', async () => {
    const stalled = moment();
    const cut = moment();
    const hubServer = new LongPollingHub();
    let negotiates = 0;
    server = await startLocalServer((request, response) => {
      const url = new URL(request.url!, 'http://localhost');
      if (url.pathname === '/api/negotiate') {
        negotiates += 1;
        if (negotiates > 1) return hubServer.negotiate(response);
        // Status, headers and part of the body, then nothing more, with the socket left open.
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.write('{"negotiateVersion":1,', () => stalled.fire());
        response.on('close', () => cut.fire());
        return;
      }
      void hubServer.handle(request, response);
    });
    const headersIn = moment();
    let negotiateFetches = 0;
    const fetchFn: typeof fetch = async (input, init) => {
      const isFirstNegotiate = String(input).includes('/negotiate') && ++negotiateFetches === 1;
      const response = await fetch(input, init);
      if (isFirstNegotiate) headersIn.fire();
      return response;
    };
    const connection = createHubConnection(`${server.origin}/api`, 'visitor-1', { fetch: fetchFn });
    const starts = vi.spyOn(connection, 'start');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const states: ConnectionState[] = [];
    const reachedLive = moment();
    live = new LiveCounter({
      name: 'votes',
      api: fakeApi(),
      hub: connection,
      network: new FakeNetwork(),
      random: () => 0,
      onState: (state) => {
        states.push(state);
        if (state === 'live') reachedLive.fire();
      },
    });

    live.start();
    await stalled.happened;
    await headersIn.happened; // the client has the headers and waits for the rest of the body
    await vi.advanceTimersByTimeAsync(15_000);
    await cut.happened; // the page let go of the stalled negotiate
    await expect(starts.mock.results[0]!.value).rejects.toThrow(/negotiation/);
    expect(negotiates).toBe(1);

    await vi.advanceTimersByTimeAsync(500); // one backoff step
    await reachedLive.happened;
    expect(negotiates).toBe(2);
    expect(states).toEqual(['connecting', 'live']);
  });
});
