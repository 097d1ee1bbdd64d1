import assert from 'node:assert/strict';
import { playStoryboard, storyboard, type RunSettings } from '../../bench/support/quality-rounds';
import { JUDGING_DEFAULTS } from '../../src/rules/policy';
import { REALISTIC_JUDGE } from '../../src/sim/judge/judge-settings';

const settings = (judge: RunSettings['judge']): RunSettings => ({
  sigma: 0,
  judge,
  seed: 'quality-rounds-test',
  judging: { minScoreToPass: 70, ...JUDGING_DEFAULTS },
  learned: false,
  minEvidence: 20,
});

describe('bench: the quality rounds ask the simulator\'s pairwise comparer', () => {
  const scenes = storyboard(140);

  it('under the realistic judge, some answers on close pairs are wrong, and the exact-comparer bound is kept beside the pick', () => {
    const { rounds } = playStoryboard(scenes, settings(REALISTIC_JUDGE));
    const answers = rounds.flatMap((r) => r.pairwiseAnswers);
    assert.ok(answers.length >= 20, `${answers.length} answers`);
    const wrong = answers.filter((a) => !a.right);
    assert.ok(wrong.length > 0, 'a comparer right 80 % of the time on close pairs gets some wrong');
    assert.ok(wrong.every((a) => a.gap <= 15), 'wrong answers come from close pairs');
    const picked = rounds.filter((r) => r.bestPick !== undefined);
    assert.ok(picked.every((r) => r.bestPickExactComparer !== undefined));
    assert.ok(picked.some((r) => r.bestPick!.attemptNumber !== r.bestPickExactComparer!.attemptNumber));
  });

  it('with a comparer always right and no position preference, every answer is right and the pick is the bound', () => {
    const { rounds } = playStoryboard(scenes, settings({ ...REALISTIC_JUDGE, pairwiseAccuracy: 1, firstPositionBias: 0 }));
    assert.ok(rounds.flatMap((r) => r.pairwiseAnswers).every((a) => a.right));
    for (const r of rounds.filter((round) => round.bestPick !== undefined)) assert.deepEqual(r.bestPick, r.bestPickExactComparer);
  });
});
