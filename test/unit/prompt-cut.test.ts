import assert from 'node:assert/strict';
import type { SceneAnalysisResult } from '../../src/domain/analysis';
import { DEFAULT_BRAND_FIXES, MINIMALIST_PHRASE, SIMPLIFY_PHRASE } from '../../src/rules/fix-phrases';
import { promptLimit } from '../../src/catalog/prompt-limit';
import { fitPrompt, improvedPrompt } from '../../src/rules/prompt';

const AVOID = `. Avoid: ${DEFAULT_BRAND_FIXES.avoid}`;
const TECHNICAL = 'high resolution, sharp focus, professional quality';

/** A visual direction of `words` words, each distinct so a test can see where the cut fell. */
function longDirection(words: number): string {
  return Array.from({ length: words }, (_, i) => `word${i}`).join(' ');
}

const analysis: SceneAnalysisResult = {
  overallScore: 50,
  recommendation: 'regenerate',
  issues: [{ category: 'technical', severity: 'high', description: 'blurry' }],
};

describe('rules: a prompt cut to the provider limit', () => {
  const cases: [string, 'image' | 'video'][] = [
    ['kling', 'video'],
    ['runway', 'video'],
    ['runway', 'image'],
    ['falai', 'image'],
  ];
  for (const [provider, kind] of cases) {
    const limit = promptLimit(provider, kind);
    it(`${provider} ${kind} (${limit} characters): the base is shortened, the fixes and the Avoid list kept`, () => {
      const direction = longDirection(Math.ceil(limit / 5));
      const prompt = improvedPrompt({ attemptNumber: 3, visualDirection: direction, analysis, maxLength: limit });
      assert.ok(prompt.length <= limit, `${prompt.length} > ${limit}`);
      assert.ok(prompt.endsWith(`. ${TECHNICAL}, ${SIMPLIFY_PHRASE}, ${MINIMALIST_PHRASE}${AVOID}`));
      const base = prompt.slice(0, prompt.indexOf(`. ${TECHNICAL}`));
      // Cut at a word: what is kept is a whole-word prefix of the direction, without an ellipsis.
      assert.ok(direction.startsWith(`${base} `), base.slice(-30));
      assert.ok(base.length > limit * 0.5);
    });
  }

  it('a prompt within the limit is left as it is', () => {
    const prompt = improvedPrompt({ attemptNumber: 1, visualDirection: 'A kitchen', analysis, maxLength: 1000 });
    assert.equal(prompt, `A kitchen. ${TECHNICAL}${AVOID}`);
  });

  it('a cut that ends on a comma does not leave ",." behind', () => {
    const base = `${'a, '.repeat(400)}end`;
    const prompt = fitPrompt({ base, fixes: ['fix one'], avoid: 'logos', maxLength: 300 });
    assert.ok(prompt.length <= 300);
    assert.match(prompt, /^(a, )*a\. fix one\. Avoid: logos$/);
  });

  it('the fixes and the Avoid list are never dropped: the base is cut to what is left, even a few words', () => {
    const fixes = ['first fix for this asset', 'second fix', 'a generic closing phrase of some length'];
    const prompt = fitPrompt({ base: longDirection(50), fixes, avoid: 'logos', maxLength: 110 });
    assert.ok(prompt.length <= 110, `${prompt.length}`);
    assert.match(prompt, /^word0 word1 word2\. first fix for this asset, second fix, a generic closing phrase of some length\. Avoid: logos$/);
  });

  it('with no room at all for the base, the prompt is the fixes and the Avoid list alone', () => {
    const fixes = ['first fix for this asset', 'second fix'];
    const exact = 'first fix for this asset, second fix. Avoid: logos';
    assert.equal(fitPrompt({ base: longDirection(50), fixes, avoid: 'logos', maxLength: exact.length }), exact);
    assert.equal(fitPrompt({ base: longDirection(50), fixes, avoid: 'logos', maxLength: exact.length + 3 }), exact);
  });

  it('fixes and an Avoid list longer than the whole limit fall back to a plain cut that keeps the request valid', () => {
    const prompt = fitPrompt({ base: 'A kitchen', fixes: ['fix'], avoid: longDirection(100), maxLength: 200 });
    assert.ok(prompt.length <= 200);
    assert.ok(prompt.startsWith('fix. Avoid: word0'));
  });
});
