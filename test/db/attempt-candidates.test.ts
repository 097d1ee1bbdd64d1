import assert from 'node:assert/strict';
import { listSceneAttempts } from '../../src/db/queries';
import { peopleVerdicts } from '../../src/db/verdicts';
import type { AttemptCandidate } from '../../src/domain/regeneration';
import { roundWrites } from './round-writes';
import { describeEachDatabase } from './test-databases';
import { attempt, sceneRequest } from './fixtures';

describeEachDatabase("an attempt's candidates (migration 0017)", ({ db }) => {
  const candidates: AttemptCandidate[] = [
    { candidate: 1, provider: 'kling', prompt: 'take 1', scoreAfter: 58, assetUrl: 'http://localhost:3000/assets/c1.mp4', costUsd: 0.62, kept: false },
    { candidate: 2, provider: 'runway', prompt: 'take 2', scoreAfter: 61, assetUrl: 'http://localhost:3000/assets/c2.mp4', costUsd: 1.02, kept: true, keptReason: 'pairwise' },
    { candidate: 3, provider: 'luma', prompt: 'take 3', costUsd: 0, kept: false, failure: { type: 'timeout', message: 'late' }, failedStep: 'generate' },
  ];

  it('records every candidate with its cost and why, and reads them back with the attempt', async () => {
    const writes = roundWrites(db());
    await writes.saveScene(sceneRequest({ id: 501 }));
    const made = attempt(1, 1, 61, { provider: 'runway', costUsd: 1.64, candidates, candidatesWhy: 'deadline' });
    await writes.recordAttempt({ workflowId: 'regenerate-scene-501', runId: 'r', sceneId: 501, projectId: 7, attempt: made });
    const [stored] = await listSceneAttempts(db(), 501);
    assert.deepEqual(stored.candidates, candidates);
    assert.equal(stored.candidatesWhy, 'deadline');
    assert.equal(stored.costUsd, 1.64);
    // An attempt of one candidate has neither.
    await writes.recordAttempt({ workflowId: 'regenerate-scene-501', runId: 'r', sceneId: 501, projectId: 7, attempt: attempt(1, 2, 50) });
    const second = (await listSceneAttempts(db(), 501)).find((a) => a.attemptNumber === 2)!;
    assert.equal(second.candidates, undefined);
    assert.equal(second.candidatesWhy, undefined);
  });

  it("an approval naming a candidate is a verdict at that candidate's score", async () => {
    const writes = roundWrites(db());
    await writes.saveScene(sceneRequest({ id: 502, contentType: 'Cinematic' }));
    const key = { workflowId: 'regenerate-scene-502', runId: 'r', round: 1 };
    await writes.escalateToReview({
      ...key,
      sceneId: 502,
      projectId: 7,
      sceneIndex: 1,
      reason: 'auto_regeneration_failed',
      bestScore: 61,
      bestAttemptNumber: 1,
      attempts: [attempt(1, 1, 61, { candidates })],
      escalatedAt: '2025-01-01T00:00:00.000Z',
    });
    await writes.closeReviewEntry({ ...key, decision: { action: 'approve', attemptNumber: 1, candidate: 1, reviewer: 'ana' }, decidedAt: '2025-01-02T00:00:00.000Z' });
    const verdicts = await peopleVerdicts(db().kysely, { contentType: 'cinematic' });
    assert.deepEqual(verdicts.map((v) => v.verdict.score), [58]);
  });
});
