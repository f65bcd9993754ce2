import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalServer {
  /** http://127.0.0.1:port, without a trailing slash. */
  readonly origin: string;
  close(): Promise<void>;
}

/** A real HTTP server on a free loopback port, for what only a real socket can do (cut a body). */
export async function startLocalServer(handler: RequestListener): Promise<LocalServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        // fetch keeps connections alive; without this close() would wait for them to time out.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
