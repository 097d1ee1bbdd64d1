import assert from 'node:assert/strict';
import { roundWrites, type RoundWrites } from './round-writes';
import { listSceneAttempts } from '../../src/db/queries';
import { peopleVerdicts } from '../../src/db/verdicts';
import type { UserDecision } from '../../src/domain/regeneration';
import type { AttemptContext } from '../../src/domain/round-steps';
import { resolvePolicy } from '../../src/rules/policy';
import { describeEachDatabase } from './test-databases';
import { attempt, sceneRequest } from './fixtures';

describeEachDatabase('people’s verdicts (src/db/verdicts.ts) and the bar a round opens with', ({ db }) => {
  let writes: RoundWrites;
  let nextScene = 0;

  /** One product scene escalated with a best of `best` (attempts 1 and 2 judged `scores`), then decided. */
  async function decided(decision: UserDecision, best: number, scores: [number, number] = [best - 5, best], contentType = 'Product') {
    const sceneId = ++nextScene;
    await writes.saveScene(sceneRequest({ id: sceneId, contentType }));
    const key = { workflowId: `regenerate-scene-${sceneId}`, runId: 'r', round: 1 };
    await writes.escalateToReview({
      ...key,
      sceneId,
      projectId: 7,
      sceneIndex: 1,
      reason: 'auto_regeneration_failed',
      bestScore: best,
      bestAttemptNumber: 2,
      attempts: [attempt(1, 1, scores[0], { scoreBefore: 41 }), attempt(1, 2, scores[1])],
      escalatedAt: '2025-01-01T00:00:00.000Z',
    });
    await writes.closeReviewEntry({ ...key, decision, decidedAt: '2025-01-02T00:00:00.000Z' });
  }

  beforeEach(() => {
    writes = roundWrites(db());
  });

  it('reads approves and rejects as verdicts at the score they took or turned down, and nothing else', async () => {
    await decided({ action: 'approve', reviewer: 'ana' }, 66);
    await decided({ action: 'approve', attemptNumber: 1, reviewer: 'ana' }, 66, [58, 66]);
    await decided({ action: 'approve', attemptNumber: 0, reviewer: 'ana' }, 66);
    await decided({ action: 'reject', reviewer: 'ana' }, 62);
    await decided({ action: 'regenerate', reviewer: 'ana' }, 64);
    await decided({ action: 'approve', reviewer: 'review-timeout' }, 64);
    await decided({ action: 'reject', reviewer: 'ana' }, 50, [45, 50], 'food');
    const verdicts = await peopleVerdicts(db().kysely, { contentType: 'PRODUCT' });
    assert.deepEqual(verdicts, [
      { contentType: 'product', verdict: { score: 66, accepted: true, judgePassed: false } },
      { contentType: 'product', verdict: { score: 58, accepted: true, judgePassed: false } },
      // Attempt 0 is the round's start: attempt 1's score before.
      { contentType: 'product', verdict: { score: 41, accepted: true, judgePassed: false } },
      { contentType: 'product', verdict: { score: 62, accepted: false, judgePassed: false } },
    ]);
    assert.equal((await peopleVerdicts(db().kysely)).length, 5);
  });

  it('a round with policy.calibratedBar opens with the content type’s calibrated bar, and its attempts keep the score they were judged against', async () => {
    // 40 verdicts symmetric around a judged 78.
    for (let k = 1; k <= 20; k++) {
      await decided({ action: k % 4 === 0 ? 'approve' : 'reject', reviewer: 'ana' }, 78 - k);
      await decided({ action: k % 4 !== 0 ? 'approve' : 'reject', reviewer: 'ana' }, 78 + k);
    }
    const sceneId = ++nextScene;
    await writes.saveScene(sceneRequest({ id: sceneId, contentType: 'product' }));
    const ref = { workflowId: `regenerate-scene-${sceneId}`, runId: 'r', round: 1, sceneId, projectId: 7 };
    const context = (policy: Parameters<typeof resolvePolicy>[0]): AttemptContext => ({
      attemptNumber: 1,
      roundProvider: 'kling',
      usedThisRound: [],
      roundSpentUsd: 0,
      currentScore: 40,
      contentType: 'Product',
      needs: { kind: 'video', durationSeconds: 5, aspectRatio: '16:9' },
      policy: resolvePolicy({ learnedProviderChoice: false, ...policy }),
    });
    const opened = await writes.steps.openRound({ ref, firstAttempt: context({ calibratedBar: true }) });
    assert.equal(opened.passingBar?.source, 'calibrated');
    assert.equal(opened.passingBar?.verdicts, 40);
    assert.ok(Math.abs(opened.passingBar!.score - 78) < 0.5, JSON.stringify(opened.passingBar));
    const configured = await writes.steps.openRound({ ref: { ...ref, round: 2 }, firstAttempt: context({ calibratedBar: true, minDecisions: 41 }) });
    assert.deepEqual([configured.passingBar?.source, configured.passingBar?.score, configured.passingBar?.verdicts], ['configured', 70, 40]);

    await writes.steps.recordAttempt({ ref, attempt: attempt(1, 1, 74, { passingScore: opened.passingBar!.score }) });
    const [stored] = await listSceneAttempts(db(), sceneId);
    assert.equal(stored!.passingScore, opened.passingBar!.score);
  });
});
