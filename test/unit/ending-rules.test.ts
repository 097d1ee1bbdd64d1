import assert from 'node:assert/strict';
import { CONTINUE_AS_NEW_LIMITS, shouldContinueAsNew } from '../../src/rules/continue-as-new';
import { entryStatusFor, reconcileVerdict, sceneAfterRunGone, waitingRunVerdict } from '../../src/rules/ending';

describe('rules: how a round ends (SPEC.md)', () => {
  it('gives each ending of a review wait its queue entry status', () => {
    assert.equal(entryStatusFor('decided'), 'decided');
    assert.equal(entryStatusFor('timed_out_without_action'), 'expired');
    assert.equal(entryStatusFor('cancelled'), 'cancelled');
    assert.equal(entryStatusFor('run_gone'), 'superseded');
  });

  it('the reconciler keeps a running run\'s entry, moves one the newest run waits on, closes the rest', () => {
    assert.equal(reconcileVerdict({ entryRunRunning: true, latestRunWaitsOnEntry: false }), 'keep');
    assert.equal(reconcileVerdict({ entryRunRunning: true, latestRunWaitsOnEntry: true }), 'keep');
    assert.equal(reconcileVerdict({ entryRunRunning: false, latestRunWaitsOnEntry: true }), 'move_to_latest_run');
    assert.equal(reconcileVerdict({ entryRunRunning: false, latestRunWaitsOnEntry: false }), 'supersede');
  });

  it('a run gone without its ending gives the scene its status from before the round, flagged if it was waiting', () => {
    assert.deepEqual(sceneAfterRunGone({ status: 'awaiting_review', statusBeforeRound: 'approved', analyzed: true }), { status: 'approved', needsUserReview: true });
    assert.deepEqual(sceneAfterRunGone({ status: 'regenerating', statusBeforeRound: 'analyzed', analyzed: true }), { status: 'analyzed', needsUserReview: false });
    assert.deepEqual(sceneAfterRunGone({ status: 'regenerating', statusBeforeRound: 'review_timed_out', analyzed: true }), { status: 'review_timed_out', needsUserReview: true });
    assert.deepEqual(sceneAfterRunGone({ status: 'regenerating', statusBeforeRound: null, analyzed: false }), { status: 'new', needsUserReview: false });
    assert.equal(sceneAfterRunGone({ status: 'rejected', statusBeforeRound: null, analyzed: false }), undefined, 'an ending was written');
  });

  it('a waiting run gets an entry of its own only when the one it waits on was closed by another run', () => {
    assert.equal(waitingRunVerdict({ entryPending: false, entryOfThisRun: false }), 'open_entry');
    assert.equal(waitingRunVerdict({ entryPending: true, entryOfThisRun: false }), 'keep');
    assert.equal(waitingRunVerdict({ entryPending: false, entryOfThisRun: true }), 'keep');
  });
});

describe('rules: when a round continues as new', () => {
  const quiet = { roundsInRun: 1, historyLength: 100, suggestedByServer: false };
  it('not while the run is short', () => assert.equal(shouldContinueAsNew(quiet), false));
  it('after roundsPerRun reviewer rounds in one run', () => {
    assert.equal(shouldContinueAsNew({ ...quiet, roundsInRun: CONTINUE_AS_NEW_LIMITS.roundsPerRun - 1 }), false);
    assert.equal(shouldContinueAsNew({ ...quiet, roundsInRun: CONTINUE_AS_NEW_LIMITS.roundsPerRun }), true);
  });
  it('when the history passes its bound, or the server suggests it', () => {
    assert.equal(shouldContinueAsNew({ ...quiet, historyLength: CONTINUE_AS_NEW_LIMITS.historyEvents }), true);
    assert.equal(shouldContinueAsNew({ ...quiet, suggestedByServer: true }), true);
  });
});
