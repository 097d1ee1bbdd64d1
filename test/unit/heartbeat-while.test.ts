import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { heartbeatWhile } from '../../activities/heartbeat-while';

describe('heartbeatWhile: an activity waiting on one long call still heartbeats', () => {
  function environment(): { env: MockActivityEnvironment; beats: () => number } {
    const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
    let beats = 0;
    env.on('heartbeat', () => (beats += 1));
    return { env, beats: () => beats };
  }

  it('heartbeats at once and then every interval until the work ends, and no more after it', async () => {
    const { env, beats } = environment();
    const result = await env.run(() => heartbeatWhile(async () => (await sleep(230), 'judged'), 50));
    assert.equal(result, 'judged');
    const atEnd = beats();
    // One at once plus one per 50 ms over 230 ms; timers may slip by one on a loaded machine.
    assert.ok(atEnd >= 4 && atEnd <= 6, `${atEnd} heartbeats`);
    await sleep(150);
    assert.equal(beats(), atEnd, 'the interval must stop with the work');
  });

  it('passes the work\'s failure through and stops heartbeating', async () => {
    const { env, beats } = environment();
    await assert.rejects(
      env.run(() => heartbeatWhile(async () => { await sleep(60); throw new Error('claude said no'); }, 20)),
      /claude said no/,
    );
    const atEnd = beats();
    await sleep(100);
    assert.equal(beats(), atEnd);
  });

  it('outside an activity it only runs the work', async () => {
    assert.equal(await heartbeatWhile(async () => 7, 10), 7);
  });
});
