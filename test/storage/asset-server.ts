import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestAssetServer {
  url(pathname: string): string;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** A loopback HTTP server for download tests; `handle` answers every request. */
export async function startAssetServer(
  handle: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<TestAssetServer> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? '');
    handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (pathname) => `http://127.0.0.1:${port}${pathname}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        // Some tests leave a response hanging on purpose.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
