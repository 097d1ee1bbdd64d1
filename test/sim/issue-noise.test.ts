import assert from 'node:assert/strict';
import type { JudgeVerdict } from '../../src/analysis/judge-verdict';
import { withIssueNoise } from '../../src/sim/judge/issue-noise';
import { EXACT_JUDGE } from '../../src/sim/judge/judge-settings';
import { ISSUE_BELOW } from '../../src/sim/judge/judge-model';
import { seededRng } from '../../src/sim/seeded-random';

const VERDICT: JudgeVerdict = {
  overallScore: 64,
  categoryScores: { brand_compliance: 50, technical: 58, ai_artifacts: 90, content_match: 88, composition: 95 },
  issues: [
    { category: 'brand_compliance', severity: 'medium', description: 'Flat lighting and a muted color palette' },
    { category: 'technical', severity: 'medium', description: 'Soft focus' },
  ],
  recommendation: 'regenerate',
  improvedPrompt: 'A kitchen',
};

describe('simulator: noisy issue lists', () => {
  it('an exact judge reports every real defect and nothing else, drawing nothing', () => {
    const never = () => assert.fail('an exact judge draws nothing');
    assert.equal(withIssueNoise(VERDICT, EXACT_JUDGE, never), VERDICT);
  });

  it('reports a real defect with probability issueRecall', () => {
    const rng = seededRng('recall');
    let reported = 0;
    for (let n = 0; n < 5000; n++) reported += withIssueNoise(VERDICT, { issueRecall: 0.7, spuriousIssueRate: 0 }, rng).issues.length;
    assert.ok(Math.abs(reported / 10_000 - 0.7) < 0.02, `${reported / 10_000}`);
  });

  it('adds one spurious defect with probability spuriousIssueRate, in a category with none, scored under the issue mark', () => {
    const rng = seededRng('spurious');
    let spurious = 0;
    const categories = new Set<string>();
    for (let n = 0; n < 5000; n++) {
      const noisy = withIssueNoise(VERDICT, { issueRecall: 1, spuriousIssueRate: 0.2 }, rng);
      assert.deepEqual(noisy.issues.slice(0, 2), VERDICT.issues, 'real defects stay');
      assert.ok(noisy.issues.length <= 3);
      const added = noisy.issues[2];
      if (added === undefined) continue;
      spurious += 1;
      categories.add(added.category);
      assert.equal(added.severity, 'low');
      assert.ok(!['brand_compliance', 'technical'].includes(added.category));
      assert.ok(noisy.categoryScores[added.category] < ISSUE_BELOW);
      assert.equal(noisy.overallScore, VERDICT.overallScore);
    }
    assert.ok(Math.abs(spurious / 5000 - 0.2) < 0.02, `${spurious / 5000}`);
    assert.deepEqual([...categories].sort(), ['ai_artifacts', 'composition', 'content_match']);
  });
});
