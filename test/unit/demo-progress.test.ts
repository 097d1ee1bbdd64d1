import assert from 'node:assert/strict';
import { progressLines } from '../../src/demo/progress';
import { summaryRow } from '../../src/demo/summary-table';
import type { SceneView } from '../../src/domain/http-api';

describe('demo progress: the best a scene waits with', () => {
  const scene = {
    id: 1,
    projectId: 1,
    sceneIndex: 0,
    sceneType: 'b-roll',
    contentType: 'nature',
    narration: 'n',
    visualDirection: 'v',
    duration: 5,
    provider: 'kling',
    qualityScore: 44,
    needsUserReview: true,
    status: 'awaiting_review',
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    regenerationAttempts: [],
  } as SceneView;

  it("prints the queue entry's best, not the scene's own score", () => {
    const lines = progressLines(scene, new Set(), {
      round: 1,
      bestScore: 66,
      bestAttemptNumber: 2,
      bestPick: { attemptNumber: 2, score: 66, reason: 'pairwise', runnerUp: { attemptNumber: 3, score: 69 } },
    });
    assert.equal(lines.at(-1), 'scene  1 · waiting for a reviewer (best score 66: round 1 attempt 2, preferred in a side-by-side comparison)');
  });

  it('says when a comparison did not decide', () => {
    const lines = progressLines(scene, new Set(), {
      round: 1,
      bestScore: 60,
      bestAttemptNumber: 3,
      bestPick: { attemptNumber: 3, score: 60, reason: 'pairwise_split', runnerUp: { attemptNumber: 2, score: 60 } },
    });
    assert.match(lines.at(-1) ?? '', /best score 60: round 1 attempt 3, a side-by-side comparison did not decide/);
  });

  it('names the starting asset when it is the best', () => {
    const lines = progressLines(scene, new Set(), { round: 1, bestScore: 44, bestPick: { score: 44, reason: 'highest_score' } });
    assert.equal(lines.at(-1), 'scene  1 · waiting for a reviewer (best score 44: the asset the round started from)');
  });

  it('waits for the queue entry before printing the review line', () => {
    const seen = new Set<string>();
    assert.ok(!progressLines(scene, seen).some((line) => line.includes('reviewer')));
    assert.equal(progressLines(scene, seen, { round: 1, bestScore: 50 }).filter((line) => line.includes('reviewer')).length, 1);
  });

  it("the final table shows a waiting scene's best, not its own score", () => {
    assert.equal(summaryRow(scene, { sceneId: 1, needsUserReview: true }, { bestScore: 66 }).finalScore, 'best 66');
    assert.equal(summaryRow(scene, { sceneId: 1, needsUserReview: true }).finalScore, '44');
  });
});
