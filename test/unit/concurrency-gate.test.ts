import assert from 'node:assert/strict';
import { parseProviderConcurrency } from '../../src/config';

describe('per-provider concurrency', () => {
  describe('PROVIDER_CONCURRENCY', () => {
    it('gives every provider the default of 10 when unset', () => {
      const limits = parseProviderConcurrency(undefined);
      assert.deepEqual(limits, { kling: 10, runway: 10, luma: 10, hailuo: 10, falai: 10, flux: 10 });
    });

    it('sets the providers it names and leaves the rest at the default', () => {
      const limits = parseProviderConcurrency(' kling=3, runway = 1 ,');
      assert.equal(limits.kling, 3);
      assert.equal(limits.runway, 1);
      assert.equal(limits.luma, 10);
    });

    for (const bad of ['kling', 'kling=0', 'kling=-1', 'kling=2.5', 'sora=3', 'kling=3;runway=2', 'kling=abc']) {
      it(`refuses "${bad}" with a message naming the format`, () => {
        assert.throws(() => parseProviderConcurrency(bad), /PROVIDER_CONCURRENCY must look like "kling=3,runway=2"/);
      });
    }
  });
  // The gate itself counts places in the database: test/db/concurrency-gate.test.ts.
});
