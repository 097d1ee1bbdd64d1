import type { RegenerationAttempt } from '../../src/domain/regeneration';

/**
 * SPEC.md: an attempt that passed or improved becomes current, so the round's best at any moment
 * is its last attempt that did not fail; none means the asset the round started from.
 */
export function bestOfRound<A extends Pick<RegenerationAttempt, 'result'>>(roundAttempts: readonly A[]): A | undefined {
  return roundAttempts.filter((a) => a.result !== 'failed').at(-1);
}
