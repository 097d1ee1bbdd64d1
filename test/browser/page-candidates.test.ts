import assert from 'node:assert/strict';
import type { SceneView, StoredAttempt } from '../../src/domain/http-api';
import type { AttemptCandidate } from '../../src/domain/regeneration';
import { approveCandidateQuestion } from '../../src/ui/page/model/decision-questions';
import { buildRoundView } from '../../src/ui/page/model/round-view';

const analysis = (score: number) => ({ overallScore: score, recommendation: 'regenerate' as const, issues: [] });

function candidate(n: number, provider: AttemptCandidate['provider'], score: number | undefined, kept = false): AttemptCandidate {
  return {
    candidate: n,
    provider,
    prompt: `A red bicycle, take ${n}`,
    kept,
    costUsd: 0.51,
    ...(score === undefined
      ? { failure: { type: 'timeout', message: 'late' } }
      : { scoreAfter: score, analysisResult: analysis(score), assetUrl: `http://web.test/assets/c${n}.png` }),
    ...(kept ? { keptReason: 'pairwise' as const } : {}),
  };
}

const attempt: StoredAttempt = {
  id: 11,
  workflowId: 'regenerate-scene-5',
  runId: 'run-1',
  round: 1,
  attemptNumber: 1,
  timestamp: '2026-01-01T10:00:00.000Z',
  provider: 'flux',
  prompt: 'A red bicycle, take 2',
  result: 'improved',
  scoreBefore: 40,
  scoreAfter: 64,
  analysisResult: analysis(64),
  assetUrl: 'http://web.test/assets/c2.png',
  costUsd: 1.6,
  candidatesWhy: 'deadline',
  candidates: [candidate(1, 'falai', 62), candidate(2, 'flux', 64, true), candidate(3, 'falai', undefined)],
};

const scene: SceneView = {
  id: 5,
  projectId: 3,
  sceneIndex: 1,
  sceneType: 'b-roll',
  contentType: 'object',
  narration: 'A ride through town.',
  visualDirection: 'A red bicycle',
  duration: 0,
  provider: 'falai',
  assetUrl: 'http://web.test/assets/original.png',
  analysis: analysis(40),
  qualityScore: 40,
  needsUserReview: true,
  status: 'awaiting_review',
  latestWorkflowId: 'regenerate-scene-5',
  latestRunId: 'run-1',
  createdAt: '2026-01-01T09:00:00.000Z',
  updatedAt: '2026-01-01T10:00:00.000Z',
  regenerationAttempts: [attempt],
};

describe("review page: an attempt's candidates", () => {
  const view = buildRoundView(scene, undefined, { sceneId: 5, status: 'awaiting_review', round: 1, attempt: 0, maxAttempts: 3, currentScore: 64, attempts: [attempt], bestAttemptNumber: 1 });

  it('groups them after the starting asset, one card each, the kept one marked best with why', () => {
    assert.deepEqual(view.candidates.map((c) => [c.key, c.label, c.provider, c.score, c.isBest, c.approvable]), [
      ['start', 'Before the round', 'falai', 40, false, true],
      ['attempt-1-1-1', 'Attempt 1 · candidate 1', 'falai', 62, false, true],
      ['attempt-1-1-2', 'Attempt 1 · candidate 2', 'flux', 64, true, true],
      ['attempt-1-1-3', 'Attempt 1 · candidate 3', 'falai', undefined, false, false],
    ]);
    const kept = view.candidates[2].group!;
    assert.deepEqual(kept, {
      candidate: 2,
      of: 3,
      kept: true,
      why: '3 at once: the deadline left time for one more attempt only',
      keptWhy: 'Kept: Claude preferred it to the runner-up in both orders',
    });
    assert.equal(view.candidates[1].group?.kept, false);
    assert.equal(view.candidates[3].failure?.type, 'timeout');
    // Each card carries its own cost, not the attempt's.
    assert.deepEqual(view.candidates.slice(1).map((c) => c.costUsd), [0.51, 0.51, 0.51]);
  });

  it('approving a candidate not kept names the attempt and the candidate', () => {
    assert.deepEqual(approveCandidateQuestion(view.candidates[1]).decision, { action: 'approve', attemptNumber: 1, candidate: 1 });
    assert.deepEqual(approveCandidateQuestion(view.candidates[0]).decision, { action: 'approve', attemptNumber: 0 });
  });
});
