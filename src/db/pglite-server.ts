import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';

/** Connections beyond this are refused; each process opens a few (its pool's max). */
const MAX_CONNECTIONS = 64;

// ReadyForQuery: 'Z', length 5, then the transaction status; 'I' = idle, no transaction open.
const READY_FOR_QUERY_IDLE = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

export interface PgliteServer {
  port: number;
  /** Stops listening and ends every connection, rolling back what each left open. */
  close(): Promise<void>;
}

/**
 * Serves `pglite` over the PostgreSQL wire protocol on a free loopback port. pglite-socket
 * parses the protocol; the one session is handed between connections by SharedSession, not by
 * pglite-socket's own queue (see SharedSession for why).
 */
export async function servePglite(pglite: PGlite): Promise<PgliteServer> {
  // The handler calls only enqueue, clearQueueForHandler and clearTransactionIfNeeded on its
  // queue; the package is pinned to the version whose handler does exactly that.
  const queryQueue = new SharedSession(pglite) as unknown as PGLiteSocketHandlerOptions['queryQueue'];
  const handlers = new Set<PGLiteSocketHandler>();
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

interface ConnectionState {
  /** Runs this connection's messages one after another, in the order they arrived. */
  chain: Promise<unknown>;
  closed: boolean;
}

/**
 * Feeds every connection's wire-protocol messages to PGlite's one session.
 *
 * pglite-socket's own queue hands the session to another connection between any two messages
 * unless an explicit transaction is open. That lets a second connection's Parse land between a
 * first connection's Parse and Bind (both use the unnamed statement), and a message that throws
 * stops its queue for good. Here a connection takes the session at its first message and keeps
 * it until PostgreSQL itself says the session is idle again (a ReadyForQuery with status 'I',
 * sent only after Sync or a simple query once no transaction is open), which is exactly the
 * span in which the session carries that connection's state. Waiting connections get it first
 * come, first served.
 *
 * The method names are the ones PGLiteSocketHandler calls on its queue.
 */
class SharedSession {
  private readonly connections = new Map<number, ConnectionState>();
  private holder: ConnectionState | undefined;
  private readonly waiting: { state: ConnectionState; admit: () => void }[] = [];

  constructor(private readonly pglite: PGlite) {}

  /** Runs one message for connection `handlerId`, streaming PGlite's answer to `onData`. */
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    const state = this.stateOf(handlerId);
    const run = async (): Promise<number> => {
      if (state.closed) throw new Error('The connection closed');
      await this.take(state);
      let tail: Buffer = Buffer.alloc(0);
      let sent = 0;
      await this.pglite.execProtocolRawStream(message, {
        onRawData: (data) => {
          tail = lastBytes(tail, data);
          sent += data.length;
          onData(data);
        },
      });
      // An answer ends with its last complete message, so a ReadyForQuery there is the end.
      if (tail.equals(READY_FOR_QUERY_IDLE)) this.handOn(state);
      return sent;
    };
    const result = state.chain.then(run);
    state.chain = result.catch(() => undefined);
    return result;
  }

  /** The connection went away: its messages still waiting are dropped. */
  clearQueueForHandler(handlerId: number): void {
    const state = this.connections.get(handlerId);
    if (state !== undefined) state.closed = true;
  }

  /** The connection went away: ends what it left open and hands the session on. */
  clearTransactionIfNeeded(handlerId: number): Promise<void> {
    const state = this.connections.get(handlerId);
    if (state === undefined) return Promise.resolve();
    state.closed = true;
    const cleanUp = async (): Promise<void> => {
      this.connections.delete(handlerId);
      if (this.holder !== state) return;
      try {
        // Sync ends an unfinished extended-protocol exchange; a transaction block outlives it.
        await this.pglite.execProtocolRawStream(SYNC, { onRawData: () => undefined });
        if (this.pglite.isInTransaction()) await this.pglite.exec('rollback');
      } catch {
        // PGlite is closing or broken: there is no session left to reset, only to hand on.
      } finally {
        this.handOn(state);
      }
    };
    const done = state.chain.then(cleanUp);
    state.chain = done.catch(() => undefined);
    return done;
  }

  private stateOf(handlerId: number): ConnectionState {
    let state = this.connections.get(handlerId);
    if (state === undefined) {
      state = { chain: Promise.resolve(), closed: false };
      this.connections.set(handlerId, state);
    }
    return state;
  }

  private take(state: ConnectionState): Promise<void> {
    if (this.holder === undefined) this.holder = state;
    if (this.holder === state) return Promise.resolve();
    return new Promise((admit) => this.waiting.push({ state, admit }));
  }

  private handOn(state: ConnectionState): void {
    if (this.holder !== state) return;
    // The next waiter becomes the holder here, so nobody can slip in before it runs.
    const next = this.waiting.shift();
    this.holder = next?.state;
    next?.admit();
  }
}

/** The last bytes of everything sent so far, as many as a ReadyForQuery takes. */
function lastBytes(tail: Buffer, data: Uint8Array): Buffer {
  const size = READY_FOR_QUERY_IDLE.length;
  // A copy: PGlite may reuse the memory behind `data` once the callback returns.
  if (data.length >= size) return Buffer.from(data.subarray(data.length - size));
  const joined = Buffer.concat([tail, data]);
  return joined.subarray(Math.max(0, joined.length - size));
}
