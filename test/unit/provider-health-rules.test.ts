import assert from 'node:assert/strict';
import type { RegenerationAttempt } from '../../src/domain/regeneration';
import {
  afterOutcome,
  breakerOutcome,
  breakerVerdict,
  CLOSED,
  DEFAULT_BREAKER,
  PROBE_LAPSE_MS,
  withProbe,
  type BreakerOutcome,
  type BreakerRow,
  type BreakerVerdict,
} from '../../src/rules/provider-health';

const settings = { allowedFails: 3, cooldownMs: 60_000 };
const T = 1_000_000;

describe('rules: provider circuit breaker', () => {
  it('defaults to LiteLLM’s allowed_fails of 3 and a 5-minute cooldown', () => {
    assert.deepEqual(DEFAULT_BREAKER, { allowedFails: 3, cooldownMs: 300_000 });
  });

  describe('is it open?', () => {
    const cases: [string, BreakerRow, number, string, BreakerVerdict][] = [
      ['never failed', CLOSED, T, 'a', 'closed'],
      ['two failures in a row', { consecutiveFails: 2 }, T, 'a', 'closed'],
      ['opened, cooling down', { consecutiveFails: 3, openedAt: T }, T + 59_999, 'a', 'open'],
      ['opened, cooldown over, nobody probing', { consecutiveFails: 3, openedAt: T }, T + 60_000, 'a', 'probe'],
      ['another attempt probing', { consecutiveFails: 3, openedAt: T, probeStartedAt: T + 60_000, probeKey: 'b' }, T + 61_000, 'a', 'probing'],
      ['the probing attempt asks again', { consecutiveFails: 3, openedAt: T, probeStartedAt: T + 60_000, probeKey: 'a' }, T + 61_000, 'a', 'probe'],
      [
        'a probe nobody reported on lapses',
        { consecutiveFails: 3, openedAt: T, probeStartedAt: T + 60_000, probeKey: 'b' },
        T + 60_000 + PROBE_LAPSE_MS,
        'a',
        'probe',
      ],
    ];
    for (const [label, row, now, key, verdict] of cases) {
      it(`${label}: ${verdict}`, () => assert.equal(breakerVerdict(row, now, settings, key), verdict));
    }
  });

  describe('after an outcome', () => {
    const probing = withProbe({ consecutiveFails: 3, openedAt: T }, T + 60_000, 'p');
    const cases: [string, BreakerRow, BreakerOutcome, string, BreakerRow][] = [
      ['a first failure counts', CLOSED, 'failure', 'a', { consecutiveFails: 1 }],
      ['the third failure in a row opens it', { consecutiveFails: 2 }, 'failure', 'a', { consecutiveFails: 3, openedAt: T + 5 }],
      ['a success closes the count', { consecutiveFails: 2 }, 'success', 'a', CLOSED],
      ['a refusal neither counts nor clears', { consecutiveFails: 2 }, 'neutral', 'a', { consecutiveFails: 2 }],
      [
        'a late failure of an attempt let through before it opened keeps the cooldown',
        { consecutiveFails: 3, openedAt: T },
        'failure',
        'a',
        { consecutiveFails: 4, openedAt: T },
      ],
      ['a late success does not close it: only the probe decides', { consecutiveFails: 3, openedAt: T }, 'success', 'a', { consecutiveFails: 3, openedAt: T }],
      ['a successful probe closes it', probing, 'success', 'p', CLOSED],
      ['a failed probe opens it again from now', probing, 'failure', 'p', { consecutiveFails: 4, openedAt: T + 5 }],
      ['a probe with no sign either way is given back', probing, 'neutral', 'p', { consecutiveFails: 3, openedAt: T }],
    ];
    for (const [label, row, outcome, key, expected] of cases) {
      it(label, () => assert.deepEqual(afterOutcome(row, outcome, T + 5, settings, key), expected));
    }
  });

  describe('what an attempt says about its provider', () => {
    type Case = [string, Pick<RegenerationAttempt, 'failure' | 'failedStep'>, BreakerOutcome];
    const failed = (type: string, failedStep?: RegenerationAttempt['failedStep']) => ({
      failure: { type, message: type },
      ...(failedStep ? { failedStep } : {}),
    });
    const cases: Case[] = [
      ['a judged asset', {}, 'success'],
      ['unavailable at generation', failed('unavailable', 'generate'), 'failure'],
      ['a generation past its deadline', failed('timeout', 'generate'), 'failure'],
      // Our own queue (PROVIDER_CONCURRENCY) says nothing of the provider's health (SPEC.md).
      ['no place under our own concurrency limit in time', failed('provider_busy', 'generate'), 'neutral'],
      ['a content refusal', failed('content_refused', 'generate'), 'neutral'],
      ['a bad request', failed('bad_request', 'generate'), 'neutral'],
      ['a missing key', failed('auth', 'generate'), 'neutral'],
      ['the provider’s task failed', failed('generation_failed', 'generate'), 'neutral'],
      ['Claude unavailable after the provider delivered', failed('unavailable', 'judge'), 'success'],
      ['our store unavailable after the provider delivered', failed('unavailable', 'store'), 'success'],
      ['a failure of unknown step', failed('unavailable'), 'neutral'],
      ['a cancelled round', failed('cancelled'), 'neutral'],
    ];
    for (const [label, attempt, outcome] of cases) {
      it(`${label}: ${outcome}`, () => assert.equal(breakerOutcome(attempt), outcome));
    }
  });
});
