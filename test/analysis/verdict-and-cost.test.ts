import assert from 'node:assert/strict';
import { analysisCostUsd, findModelPrice } from '../../src/analysis/cost';
import { reconcileRecommendation, verdictToAnalysis } from '../../src/analysis/verdict-to-analysis';
import { DEFAULT_MODEL_PRICES } from '../../src/config';
import type { JudgeVerdict } from '../../src/analysis/judge-verdict';

describe('recommendation follows the passing score', () => {
  const cases: [JudgeVerdict['recommendation'], number, string][] = [
    ['approve', 69, 'regenerate'],
    ['approve', 70, 'approve'],
    ['regenerate', 70, 'approve'],
    ['regenerate', 55, 'regenerate'],
    ['critical_fail', 90, 'critical_fail'],
    ['critical_fail', 10, 'critical_fail'],
  ];
  for (const [model, score, expected] of cases) {
    it(`${model} at ${score} with a bar of 70 becomes ${expected}`, () => {
      assert.equal(reconcileRecommendation(model, score, 70), expected);
    });
  }

  it('rounds the score before comparing and keeps categories, issues and the improved prompt', () => {
    const analysis = verdictToAnalysis(
      {
        overallScore: 69.6,
        categoryScores: { ai_artifacts: 70, content_match: 70, brand_compliance: 70, technical: 70, composition: 70 },
        issues: [{ category: 'composition', severity: 'low', description: ' Slightly tilted horizon ' }],
        recommendation: 'regenerate',
        improvedPrompt: ' A level horizon ',
      },
      70,
    );
    assert.equal(analysis.overallScore, 70);
    assert.equal(analysis.recommendation, 'approve');
    assert.equal(analysis.issues[0].description, 'Slightly tilted horizon');
    assert.equal(analysis.improvedPrompt, 'A level horizon');
    assert.equal(analysis.categoryScores?.composition, 70);
  });
});

describe('analysis cost', () => {
  it('prices input, output, cache writes (1.25×) and cache reads (0.1×)', () => {
    const price = { inputPerMTok: 3, outputPerMTok: 15 };
    const usd = analysisCostUsd(
      { inputTokens: 1_000_000, outputTokens: 100_000, cacheCreationInputTokens: 1_000_000, cacheReadInputTokens: 1_000_000 },
      price,
    );
    assert.equal(usd, 3 + 1.5 + 3.75 + 0.3);
  });

  it('finds the price of dated model ids and nothing for unknown ones', () => {
    assert.deepEqual(findModelPrice('claude-haiku-4-5-20251001', DEFAULT_MODEL_PRICES), DEFAULT_MODEL_PRICES['claude-haiku-4-5']);
    assert.deepEqual(findModelPrice('claude-sonnet-4-6', DEFAULT_MODEL_PRICES), DEFAULT_MODEL_PRICES['claude-sonnet-4-6']);
    assert.equal(findModelPrice('claude-sonnet-4', DEFAULT_MODEL_PRICES), undefined);
    assert.equal(findModelPrice('gpt-4o', DEFAULT_MODEL_PRICES), undefined);
  });
});
