import assert from 'node:assert/strict';
import net from 'node:net';
import { reservePort } from '../../src/temporal/dev-server';

/** Listens on the loopback port; resolves with the error when the port is taken. */
function tryListen(port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(undefined)));
  });
}

describe('reservePort', () => {
  it('holds the port until released, then frees it for its listener; releasing twice is harmless', async () => {
    const reserved = await reservePort();
    assert.ok(reserved.port > 0);
    assert.equal((await tryListen(reserved.port))?.code, 'EADDRINUSE');
    await reserved.release();
    await reserved.release();
    assert.equal(await tryListen(reserved.port), undefined);
  });
});
