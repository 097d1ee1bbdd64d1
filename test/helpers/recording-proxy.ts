import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  path: string;
  /** When the request reached the proxy, in milliseconds since the epoch. */
  at: number;
  /** The request body (POST and PUT), for finding which submission carried which prompt. */
  body: string;
}

export interface RecordingProxy {
  url: string;
  requests(): readonly ProxiedRequest[];
  /** Every credential header value that passed through: Authorization, X-API-Key. */
  credentials(): Set<string>;
  stop(): Promise<void>;
}

/**
 * A loopback pass-through in front of the simulator that remembers what the clients sent: the
 * credentials, so a test can show that the real keys were in use (the simulator only checks that
 * one is present, never which), and when each request arrived, so a test can place a provider
 * submission in time against a crash.
 */
export async function startRecordingProxy(targetUrl: string): Promise<RecordingProxy> {
  const target = new URL(targetUrl);
  const seen = new Set<string>();
  const log: ProxiedRequest[] = [];
  const server = http.createServer((request, response) => {
    for (const name of ['authorization', 'x-api-key']) {
      const value = request.headers[name];
      if (typeof value === 'string') seen.add(value);
    }
    const entry: ProxiedRequest = { method: request.method ?? '', path: request.url ?? '', at: Date.now(), body: '' };
    log.push(entry);
    if (entry.method === 'POST' || entry.method === 'PUT') {
      request.on('data', (chunk: Buffer) => {
        if (entry.body.length < 65_536) entry.body += chunk.toString('utf8');
      });
    }
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, host: target.host },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', (error) => {
      if (!response.headersSent) response.writeHead(502);
      response.end(String(error));
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => log,
    credentials: () => seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
