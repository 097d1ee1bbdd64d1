import assert from 'node:assert/strict';
import { runUntilExit, theOneLine } from '../helpers/run-until-exit';

/**
 * A receiver URL that cannot be used stops the worker and the web server at start, before they
 * touch Temporal or the database: exit 1 and one line that names the setting, not the URL.
 */
describe('outgoing webhook settings in the worker and web processes', function () {
  this.timeout(240_000);
  const secret = { NOTIFY_WEBHOOK_SECRET: 'a-secret-of-some-length' };

  it('an unparsable URL stops the worker with one line naming NOTIFY_WEBHOOK_URLS', async () => {
    const ended = await runUntilExit('worker.ts', { ...secret, NOTIFY_WEBHOOK_URLS: 'https://hooks.example.com/a hooks.example.com/b' });
    assert.equal(ended.code, 1);
    assert.equal(theOneLine(ended), 'worker failed: Invalid environment: NOTIFY_WEBHOOK_URLS entry 2 is not an http(s) URL');
  });

  it('plain http outside loopback under NODE_ENV=production stops the web server the same way', async () => {
    const ended = await runUntilExit('src/web/main.ts', { ...secret, NODE_ENV: 'production', NOTIFY_WEBHOOK_URLS: 'http://hooks.example.com/T0/path' });
    assert.equal(ended.code, 1);
    const line = theOneLine(ended);
    assert.match(line, /^web: Invalid environment: NOTIFY_WEBHOOK_URLS entry 1 must be https:\/\/ when NODE_ENV=production/);
    assert.doesNotMatch(line, /T0\/path/, 'the URL, which may be a credential, is not printed');
  });
});
