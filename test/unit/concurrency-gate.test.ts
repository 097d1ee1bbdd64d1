import assert from 'node:assert/strict';
import { parseProviderConcurrency } from '../../src/config';
import { createConcurrencyGate } from '../../src/providers/concurrency-gate';

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

  describe('the gate', () => {
    const limits = { ...parseProviderConcurrency(undefined), kling: 2 };

    it('grants places up to the limit, then says when to ask again; other providers are not affected', () => {
      const gate = createConcurrencyGate({ limits, retryAfterMs: 1_500 });
      const first = gate.tryTake('kling');
      const second = gate.tryTake('kling');
      assert.ok(first.granted && second.granted);
      assert.deepEqual(gate.tryTake('kling'), { granted: false, retryAfterMs: 1_500 });
      assert.ok(gate.tryTake('runway').granted);
      assert.equal(gate.inFlight('kling'), 2);
    });

    it('a failed submission gives its place back; a bound one keeps it until its task is released', () => {
      const gate = createConcurrencyGate({ limits });
      const failed = gate.tryTake('kling');
      const bound = gate.tryTake('kling');
      assert.ok(failed.granted && bound.granted);
      failed.lease.cancel();
      bound.lease.bind('task-b');
      assert.equal(gate.inFlight('kling'), 1);
      gate.hold('kling', 'task-b'); // renewing does not take a second place
      assert.equal(gate.inFlight('kling'), 1);
      gate.release('kling', 'task-b');
      assert.equal(gate.inFlight('kling'), 0);
    });

    it('holds a task already at the provider even past the limit, since it runs regardless', () => {
      const gate = createConcurrencyGate({ limits });
      gate.hold('kling', 'a');
      gate.hold('kling', 'b');
      gate.hold('kling', 'c');
      assert.equal(gate.inFlight('kling'), 3);
      assert.equal(gate.tryTake('kling').granted, false);
    });

    it('a place nobody renews lapses after the lease; a renewed one does not', () => {
      let now = 0;
      const gate = createConcurrencyGate({ limits, leaseMs: 1_000, now: () => now });
      gate.hold('kling', 'renewed');
      gate.hold('kling', 'forgotten');
      now = 900;
      gate.hold('kling', 'renewed');
      now = 1_500;
      assert.equal(gate.inFlight('kling'), 1);
      assert.ok(gate.tryTake('kling').granted);
    });
  });
});
