import assert from 'node:assert/strict';
import { CATEGORY_FIXES, DEFAULT_BRAND_FIXES, MINIMALIST_PHRASE, SIMPLIFY_PHRASE } from '../../src/rules/fix-phrases';
import { conceptPresence, readText, type Concept } from '../../src/sim/judge/concept-vocabulary';
import { judge } from '../../src/sim/judge/judge-model';
import { analysisText, trueQualityFor } from '../../src/sim/judge/quality-model';

const DIRECTION = 'A woman reading by a window';
const scene = { visualDirection: DIRECTION, contentType: 'person', provider: 'kling' as const };

/** The judge's own category scores for a prompt, on the pixel-free path. */
function categoriesOf(prompt: string) {
  return judge({ userText: analysisText({ ...scene, prompt }), images: [] }).categoryScores;
}

describe('simulator: its own vocabulary', () => {
  it('recognises the product\'s fix phrases fully, though it imports none of them', () => {
    const expected: [string, Concept][] = [
      [DEFAULT_BRAND_FIXES.lightingFix, 'warmLight'],
      [DEFAULT_BRAND_FIXES.colorFix, 'earthPalette'],
      [DEFAULT_BRAND_FIXES.corporateFix, 'homelyMaterials'],
      [CATEGORY_FIXES.ai_artifacts, 'realism'],
      [CATEGORY_FIXES.technical, 'sharpDetail'],
      [CATEGORY_FIXES.content_match, 'subjectFocus'],
      [CATEGORY_FIXES.composition, 'balancedFrame'],
      [SIMPLIFY_PHRASE, 'simplicity'],
      [MINIMALIST_PHRASE, 'minimalStyle'],
    ];
    for (const [phrase, concept] of expected) assert.equal(conceptPresence(phrase)[concept], 1, `${concept}: "${phrase}"`);
  });

  it('recognises the same asks reworded, and counts part of an ask as part', () => {
    const reworded: [string, Concept][] = [
      ['bathed in amber sunlight, gentle shade', 'warmLight'],
      ['sun-drenched room with daylight and diffused light', 'warmLight'],
      ['earthy colours, rich olive greens, a muted organic palette', 'earthPalette'],
      ['a snug, lived-in room with tactile fabrics and untreated wood', 'homelyMaterials'],
      ['lifelike, free of captions and lettering, without any HUD or menus, a pristine photo', 'realism'],
      ['tack-sharp, 8K, richly detailed, studio-grade', 'sharpDetail'],
      ['the hero centred and plainly visible', 'subjectFocus'],
      ['well-framed, one distinct focal point, a plain backdrop', 'balancedFrame'],
      ['a pared-back scene with a lone subject', 'simplicity'],
      ['understated, clean, editorial photography', 'minimalStyle'],
    ];
    for (const [phrase, concept] of reworded) assert.equal(conceptPresence(phrase)[concept], 1, `${concept}: "${phrase}"`);
    assert.ok(Math.abs(conceptPresence('warm light')['warmLight'] - 1 / 3) < 1e-9);
    assert.ok(Math.abs(conceptPresence('crisp')['sharpDetail'] - 1 / 3) < 1e-9);
  });

  it('reads nothing into words that ask for nothing it knows', () => {
    for (const text of [
      'with a dramatic orchestral soundtrack and a 1990s vibe',
      'A family cooking dinner together in a kitchen',
      'A fox in tall grass at dusk',
      'the camera slowly pans left',
    ]) {
      const presence = conceptPresence(text);
      assert.ok(Object.values(presence).every((value) => value === 0), `${text}: ${JSON.stringify(presence)}`);
    }
  });

  it('reads a negation as asking for the thing to be absent, never for the thing', () => {
    const read = readText('A street, no neon signage, without cold light. Free of text overlays');
    assert.doesNotMatch(read.asked, /neon|cold|text/);
    assert.match(read.absent, /neon signage/);
    assert.match(read.absent, /text overlays/);
    assert.equal(conceptPresence('no text, no interface')['realism'], 0.5);
    assert.equal(conceptPresence('with text and an interface')['realism'], 0, 'asking for text is not asking for its absence');
  });

  it('a reworded fix raises the true quality; an unrelated phrase changes nothing', () => {
    const plain = trueQualityFor({ ...scene, prompt: DIRECTION });
    const reworded = trueQualityFor({ ...scene, prompt: `${DIRECTION}, a pared-back scene with one lone subject, understated editorial photography` });
    const exact = trueQualityFor({ ...scene, prompt: `${DIRECTION}, ${SIMPLIFY_PHRASE}, ${MINIMALIST_PHRASE}` });
    const unrelated = trueQualityFor({ ...scene, prompt: `${DIRECTION}, with a dramatic orchestral soundtrack and a 1990s vibe` });
    assert.ok(reworded >= plain + 8, `plain ${plain}, reworded ${reworded}`);
    assert.ok(Math.abs(reworded - exact) <= 2, `reworded ${reworded}, the product's phrases ${exact}`);
    assert.equal(unrelated, plain);
  });

  it('a fix for the wrong issue leaves the issue\'s category where it was', () => {
    const plain = categoriesOf(DIRECTION);
    const composition = `${DIRECTION}, a well-balanced frame with one distinct focal point against a plain backdrop`;
    const lighting = `${DIRECTION}, soft diffused daylight with gentle shade`;
    assert.ok(categoriesOf(composition).composition > plain.composition, 'the right fix raises composition');
    assert.equal(categoriesOf(lighting).composition, plain.composition, 'a lighting fix does not');
    assert.equal(categoriesOf(composition).brand_compliance, plain.brand_compliance, 'and a composition fix leaves the brand');
  });

  it('its own improved prompt uses its own words, which its vocabulary recognises', () => {
    const verdict = judge({ userText: analysisText({ ...scene, prompt: DIRECTION }), images: [] });
    const added = verdict.improvedPrompt.slice(DIRECTION.length);
    assert.ok(added.length > 20, verdict.improvedPrompt);
    for (const phrase of [DEFAULT_BRAND_FIXES.lightingFix, ...Object.values(CATEGORY_FIXES)]) {
      assert.ok(!verdict.improvedPrompt.includes(phrase), `the product's "${phrase}" is not the judge's wording`);
    }
    assert.ok(trueQualityFor({ ...scene, prompt: verdict.improvedPrompt }) > trueQualityFor({ ...scene, prompt: DIRECTION }));
  });
});
