import assert from 'node:assert/strict';
import type { SceneAnalysisResult, SceneIssue } from '../../src/domain/analysis';
import type { ProviderName } from '../../src/domain/provider';
import { MINIMALIST_PHRASE, SIMPLIFY_PHRASE } from '../../src/rules/fix-phrases';
import { attemptOutcome, needsRegeneration } from '../../src/rules/outcome';
import { DEFAULT_POLICY, resolvePolicy } from '../../src/rules/policy';
import { improvedPrompt } from '../../src/rules/prompt';
import { providerForAttempt, sceneKind } from '../../src/rules/provider-choice';

const AVOID =
  '. Avoid: garbled text, fake UI, distorted features, cold clinical lighting, blue/gray tones';

function analysis(issues: SceneIssue[], extra: Partial<SceneAnalysisResult> = {}): SceneAnalysisResult {
  return { overallScore: 50, recommendation: 'regenerate', issues, ...extra };
}
const issue = (category: SceneIssue['category'], description = 'x'): SceneIssue => ({
  category,
  severity: 'medium',
  description,
});

describe('rules: policy defaults', () => {
  it('uses SPEC.md defaults when nothing is given', () => {
    assert.deepEqual(resolvePolicy(undefined), {
      maxAttempts: 3,
      minScoreToPass: 70,
      scoreImprovementThreshold: 10,
      providerFallbackOrder: { video: ['kling', 'runway', 'luma', 'hailuo'], image: ['falai', 'flux'] },
      uncertaintyBand: 5,
      judgmentsNearBar: 3,
      auditRate: 0.02,
      calibratedBar: false,
      minDecisions: 30,
      learnedProviderChoice: true,
      minEvidence: 20,
      reviewCostUsd: 3,
      repairBand: 15,
      maxRepairDefects: 2,
      learnedFirstProvider: false,
    });
  });

  it('overrides only the fields given, including one fallback list', () => {
    const policy = resolvePolicy({ maxAttempts: 5, providerFallbackOrder: { video: ['luma'], image: ['flux'] } });
    assert.equal(policy.maxAttempts, 5);
    assert.equal(policy.minScoreToPass, 70);
    assert.deepEqual(policy.providerFallbackOrder.video, ['luma']);
  });

  it('ignores fields explicitly set to undefined', () => {
    assert.equal(resolvePolicy({ minScoreToPass: undefined }).minScoreToPass, 70);
  });
});

describe('rules: video or image scene', () => {
  const cases: [number, ProviderName, 'video' | 'image'][] = [
    [5, 'kling', 'video'],
    [5, 'runway', 'video'],
    [0, 'kling', 'image'],
    [5, 'falai', 'image'],
    [5, 'flux', 'image'],
    [0, 'flux', 'image'],
    [0.5, 'hailuo', 'video'],
  ];
  for (const [duration, provider, kind] of cases) {
    it(`duration ${duration} with ${provider} is ${kind}`, () => assert.equal(sceneKind(duration, provider), kind));
  }
});

describe('rules: provider for each attempt', () => {
  const video = DEFAULT_POLICY.providerFallbackOrder.video;
  const image = DEFAULT_POLICY.providerFallbackOrder.image;
  const cases: [string, number, ProviderName, string, readonly ProviderName[], ProviderName][] = [
    ['attempt 1 keeps the current provider', 1, 'luma', 'person', video, 'luma'],
    ['attempt 2 switches to the first other provider', 2, 'kling', 'person', video, 'runway'],
    ['attempt 2 from a non-first provider takes the first', 2, 'luma', 'person', video, 'kling'],
    ['attempt 2 for an image scene', 2, 'falai', 'food', image, 'flux'],
    ['attempt 3 person → kling', 3, 'runway', 'person', video, 'kling'],
    ['attempt 3 lifestyle → kling', 3, 'runway', 'lifestyle', video, 'kling'],
    ['attempt 3 product → luma', 3, 'kling', 'product', video, 'luma'],
    ['attempt 3 nature → hailuo', 3, 'kling', 'nature', video, 'hailuo'],
    ['attempt 3 cinematic → runway', 3, 'kling', 'cinematic', video, 'runway'],
    ['attempt 3 food → flux', 3, 'falai', 'food', image, 'flux'],
    ['attempt 3 object → flux', 3, 'falai', 'object', image, 'flux'],
    ['attempt 3 content type matched case-insensitively', 3, 'kling', 'Nature', video, 'hailuo'],
    ['attempt 3 best provider not in the list (food on video) → first', 3, 'runway', 'food', video, 'kling'],
    ['attempt 3 best provider not in the list (person on image) → first', 3, 'flux', 'person', image, 'falai'],
    ['attempt 3 unknown content type → first', 3, 'runway', 'abstract', video, 'kling'],
    ['attempt 3 best provider missing from a custom list → first', 3, 'kling', 'nature', ['runway', 'kling'], 'runway'],
    ['attempt 4 → first of the list', 4, 'runway', 'nature', video, 'kling'],
    ['attempt 7 → first of the list', 7, 'falai', 'food', image, 'falai'],
    ['attempt 2 with a one-provider list that is current → that provider', 2, 'kling', 'person', ['kling'], 'kling'],
  ];
  for (const [name, attemptNumber, currentProvider, contentType, fallbackOrder, expected] of cases) {
    it(name, () =>
      assert.equal(providerForAttempt({ attemptNumber, currentProvider, contentType, fallbackOrder }), expected),
    );
  }
});

describe('rules: improved prompt', () => {
  const base = 'A family cooking dinner in a sunny kitchen';

  it('attempt 1 with no issues: base and the avoid list', () => {
    assert.equal(improvedPrompt({ attemptNumber: 1, visualDirection: base, analysis: analysis([]) }), `${base}${AVOID}`);
  });

  const categoryCases: [SceneIssue['category'], string][] = [
    ['ai_artifacts', 'photorealistic, no text overlays, no UI elements, clean image'],
    ['content_match', 'focus on the main subject clearly visible'],
    ['technical', 'high resolution, sharp focus, professional quality'],
    ['composition', 'balanced composition, clear subject, uncluttered background'],
  ];
  for (const [category, phrase] of categoryCases) {
    it(`a ${category} issue adds its fix phrase`, () => {
      const prompt = improvedPrompt({ attemptNumber: 1, visualDirection: base, analysis: analysis([issue(category)]) });
      assert.equal(prompt, `${base}. ${phrase}${AVOID}`);
    });
  }

  const brandCases: [string, string[]][] = [
    ['Cold LIGHTING throughout', ['warm golden natural lighting, soft shadows']],
    ['Color palette too saturated', ['earth tones, warm browns and greens, natural palette']],
    ['wrong colour grading', ['earth tones, warm browns and greens, natural palette']],
    ['Feels Clinical', ['cozy home environment, natural textures, organic materials']],
    ['too CORPORATE', ['cozy home environment, natural textures, organic materials']],
    ['logo missing', []],
    [
      'clinical lighting and blue color',
      [
        'warm golden natural lighting, soft shadows',
        'earth tones, warm browns and greens, natural palette',
        'cozy home environment, natural textures, organic materials',
      ],
    ],
  ];
  for (const [description, phrases] of brandCases) {
    it(`brand issue "${description}" adds ${phrases.length || 'no'} phrase(s), matched case-insensitively`, () => {
      const prompt = improvedPrompt({
        attemptNumber: 1,
        visualDirection: base,
        analysis: analysis([issue('brand_compliance', description)]),
      });
      assert.equal(prompt, phrases.length ? `${base}. ${phrases.join(', ')}${AVOID}` : `${base}${AVOID}`);
    });
  }

  it('a project brand profile replaces the default phrases and the avoid list', () => {
    const prompt = improvedPrompt({
      attemptNumber: 1,
      visualDirection: base,
      analysis: analysis([issue('brand_compliance', 'lighting is harsh; colors off; too corporate')]),
      brandProfile: { lightingFix: 'neon glow', colorFix: 'brand teal', corporateFix: 'studio set', avoid: 'logos' },
    });
    assert.equal(prompt, `${base}. neon glow, brand teal, studio set. Avoid: logos`);
  });

  it('drops repeated phrases and keeps first-seen order', () => {
    const prompt = improvedPrompt({
      attemptNumber: 2,
      visualDirection: base,
      analysis: analysis([
        issue('technical'),
        issue('brand_compliance', 'lighting'),
        issue('technical', 'blurry again'),
        issue('ai_artifacts'),
        issue('brand_compliance', 'Lighting too blue'),
      ]),
    });
    assert.equal(
      prompt,
      `${base}. high resolution, sharp focus, professional quality, warm golden natural lighting, soft shadows, ` +
        `photorealistic, no text overlays, no UI elements, clean image, ${SIMPLIFY_PHRASE}${AVOID}`,
    );
  });

  it('attempt 2 adds the simplify phrase; attempt 3 and later add the minimalist phrase too', () => {
    const a = analysis([issue('composition')]);
    const comp = 'balanced composition, clear subject, uncluttered background';
    assert.equal(improvedPrompt({ attemptNumber: 2, visualDirection: base, analysis: a }), `${base}. ${comp}, ${SIMPLIFY_PHRASE}${AVOID}`);
    const third = `${base}. ${comp}, ${SIMPLIFY_PHRASE}, ${MINIMALIST_PHRASE}${AVOID}`;
    assert.equal(improvedPrompt({ attemptNumber: 3, visualDirection: base, analysis: a }), third);
    assert.equal(improvedPrompt({ attemptNumber: 5, visualDirection: base, analysis: a }), third);
  });

  it('attempt 1 starts from the analysis improvedPrompt when there is one', () => {
    const a = analysis([], { improvedPrompt: 'A warm family kitchen at golden hour' });
    assert.equal(
      improvedPrompt({ attemptNumber: 1, visualDirection: base, analysis: a }),
      `A warm family kitchen at golden hour${AVOID}`,
    );
  });

  it('attempts after the first ignore improvedPrompt and start from the visual direction', () => {
    const a = analysis([], { improvedPrompt: 'Something else' });
    assert.equal(
      improvedPrompt({ attemptNumber: 2, visualDirection: base, analysis: a }),
      `${base}. ${SIMPLIFY_PHRASE}${AVOID}`,
    );
  });

  it("a person's prompt wins over improvedPrompt, even on attempt 1", () => {
    const a = analysis([issue('technical')], { improvedPrompt: 'Model suggestion' });
    assert.equal(
      improvedPrompt({ attemptNumber: 1, visualDirection: base, personPrompt: 'Reviewer prompt', analysis: a }),
      `Reviewer prompt. high resolution, sharp focus, professional quality${AVOID}`,
    );
  });

  it('a base that ends with a period does not double it', () => {
    assert.equal(
      improvedPrompt({ attemptNumber: 1, visualDirection: `${base}.  `, analysis: analysis([]) }),
      `${base}${AVOID}`,
    );
  });
});

describe('rules: outcome of an attempt', () => {
  const cases: [string, number, number, Partial<typeof DEFAULT_POLICY>, string][] = [
    ['reaching the passing score exactly is success', 70, 40, {}, 'success'],
    ['above the passing score is success', 95, 69, {}, 'success'],
    ['a gain equal to the minimum improvement is improved', 60, 50, {}, 'improved'],
    ['a gain below the minimum improvement is failed', 59, 50, {}, 'failed'],
    ['a lower score is failed', 40, 50, {}, 'failed'],
    ['threshold 0: any higher score improves', 51, 50, { scoreImprovementThreshold: 0 }, 'improved'],
    ['threshold 0: an equal score does not improve', 50, 50, { scoreImprovementThreshold: 0 }, 'failed'],
    ['a custom passing score is used', 80, 50, { minScoreToPass: 85 }, 'improved'],
    ['a custom threshold is used', 64, 50, { scoreImprovementThreshold: 15 }, 'failed'],
  ];
  for (const [name, after, before, policy, expected] of cases) {
    it(name, () => assert.equal(attemptOutcome(after, before, resolvePolicy(policy)), expected));
  }

  const verdicts: [string, number, number, 'approve' | 'regenerate' | 'critical_fail', string][] = [
    ['critical_fail with 90 does not pass', 90, 40, 'critical_fail', 'failed'],
    ['critical_fail with a big gain does not become current', 65, 40, 'critical_fail', 'failed'],
    ['approve with 90 passes', 90, 40, 'approve', 'success'],
    ['regenerate at the bar passes on its score', 70, 40, 'regenerate', 'success'],
    ['regenerate with a gain improves', 60, 40, 'regenerate', 'improved'],
  ];
  for (const [name, after, before, recommendation, expected] of verdicts) {
    it(name, () => assert.equal(attemptOutcome(after, before, DEFAULT_POLICY, recommendation), expected));
  }
});

describe('rules: when regeneration starts', () => {
  const policy = resolvePolicy(undefined);
  it('starts on a score below 70', () => assert.equal(needsRegeneration(analysis([], { overallScore: 69, recommendation: 'approve' }), policy), true));
  it('does not start at 70 with approve', () => assert.equal(needsRegeneration(analysis([], { overallScore: 70, recommendation: 'approve' }), policy), false));
  it('starts on a regenerate recommendation even with a passing score', () =>
    assert.equal(needsRegeneration(analysis([], { overallScore: 90, recommendation: 'regenerate' }), policy), true));
  it('starts on critical_fail', () =>
    assert.equal(needsRegeneration(analysis([], { overallScore: 90, recommendation: 'critical_fail' }), policy), true));
});
