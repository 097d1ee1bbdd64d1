import { Runtime, DefaultLogger } from '@temporalio/worker';
import { stopTestServer } from './temporal';

// Quiet the SDK's own logs in tests; failures still surface through assertions.
Runtime.install({ logger: new DefaultLogger('ERROR') });

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await stopTestServer();
  },
};
