import { Runtime, DefaultLogger } from '@temporalio/worker';
import { stopTestServer } from './temporal';

// Quiet the SDK's own logs in tests, the native core's included (it otherwise prints every retried
// call while a test stops the Temporal server); failures still surface through assertions.
Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { forward: {}, filter: { core: 'ERROR', other: 'ERROR' } } },
});

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await stopTestServer();
  },
};
