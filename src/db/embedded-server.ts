import net from 'node:net';
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';
import type { SharedSession } from './shared-session';

/** Connections beyond this are refused; each sharing process opens a few (its pool's max). */
const MAX_CONNECTIONS = 64;

export interface EmbeddedServer {
  port: number;
  /** Stops listening and ends every connection, rolling back what each left open. */
  close(): Promise<void>;
}

/**
 * Serves the embedded database over the PostgreSQL wire protocol on a free loopback port.
 * pglite-socket parses the protocol; the session is shared through `session`, not its own
 * queue (see SharedSession for why).
 */
export async function serveEmbedded(session: SharedSession): Promise<EmbeddedServer> {
  const handlers = new Set<PGLiteSocketHandler>();
  // The handler calls only enqueue, clearQueueForHandler and clearTransactionIfNeeded on its
  // queue; the package is pinned to the version whose handler does exactly that.
  const queryQueue = session as unknown as PGLiteSocketHandlerOptions['queryQueue'];
  const server = net.createServer((socket) => {
    const handler = new PGLiteSocketHandler({ queryQueue, closeOnDetach: true });
    handlers.add(handler);
    // 'error' also detaches the handler and closes the socket.
    handler.addEventListener('close', () => handlers.delete(handler));
    handler.addEventListener('error', () => handlers.delete(handler));
    handler.attach(socket).catch(() => socket.destroy());
  });
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...handlers].map((handler) => handler.detach(true)));
      handlers.clear();
      await closed;
    },
  };
}
