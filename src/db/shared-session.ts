import type { PGlite } from '@electric-sql/pglite';
import type { SessionGate } from './session-gate';

// ReadyForQuery: 'Z', length 5, then the transaction status; 'I' = idle, no transaction open.
const READY_FOR_QUERY_IDLE = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

interface ConnectionState {
  /** Runs this connection's messages one after another, in the order they arrived. */
  chain: Promise<unknown>;
  /** Set while this connection holds the session. */
  release?: () => void;
  closed: boolean;
}

/**
 * Feeds the socket connections' wire-protocol messages to the one PGlite session.
 *
 * pglite-socket's own queue hands the session to another connection between any two messages
 * unless an explicit transaction is open. That lets a second connection's Parse land between
 * a first connection's Parse and Bind (both use the unnamed statement), and it ignores this
 * process's own transactions, which do not go through the socket. Here a connection takes the
 * session gate at its first message and keeps it until PostgreSQL itself says the session is
 * idle again (a ReadyForQuery with status 'I', sent only after Sync or a simple query once no
 * transaction is open), which is exactly the span in which the session carries its state.
 *
 * The method names are the ones PGLiteSocketHandler calls on its queue.
 */
export class SharedSession {
  private readonly connections = new Map<number, ConnectionState>();

  constructor(
    private readonly pglite: PGlite,
    private readonly gate: SessionGate,
  ) {}

  /** Runs one message for connection `handlerId`, streaming PGlite's answer to `onData`. */
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    const state = this.stateOf(handlerId);
    const run = async (): Promise<number> => {
      if (state.closed) throw new Error('The connection closed');
      state.release ??= await this.gate.acquire();
      let tail: Buffer = Buffer.alloc(0);
      let sent = 0;
      await this.pglite.runExclusive(() =>
        this.pglite.execProtocolRawStream(message, {
          onRawData: (data) => {
            tail = lastBytes(tail, data);
            sent += data.length;
            onData(data);
          },
        }),
      );
      // An answer ends with its last complete message, so a ReadyForQuery there is the end.
      if (tail.equals(READY_FOR_QUERY_IDLE)) this.letGo(state);
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
      if (state.release === undefined) return;
      try {
        // Sync ends an unfinished extended-protocol exchange; a transaction block outlives it.
        await this.pglite.runExclusive(() => this.pglite.execProtocolRawStream(SYNC, { onRawData: () => undefined }));
        if (this.pglite.isInTransaction()) await this.pglite.exec('rollback');
      } catch {
        // PGlite is closing or broken: there is no session left to reset, only the gate to free.
      } finally {
        this.letGo(state);
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

  private letGo(state: ConnectionState): void {
    const release = state.release;
    state.release = undefined;
    release?.();
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
