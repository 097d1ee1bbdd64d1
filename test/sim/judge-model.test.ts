import assert from 'node:assert/strict';
import type { SceneAnalysisResult } from '../../src/domain/analysis';
import { JudgeVerdictSchema } from '../../src/analysis/judge-verdict';
import { measureImage } from '../../src/sim/judge/image-metrics';
import { judge } from '../../src/sim/judge/judge-model';
import { findScenePrompt } from '../../src/sim/judge/scene-text';
import { promptLook } from '../../src/sim/media/prompt-look';
import { renderStillPng } from '../../src/sim/media/render-image';
import { attemptOutcome } from '../../src/rules/outcome';
import { DEFAULT_POLICY } from '../../src/rules/policy';
import { improvedPrompt } from '../../src/rules/prompt';

/** Renders the prompt the way the simulator would and judges it with the scene's text. */
async function judgeRendered(visualDirection: string, prompt: string) {
  const metrics = await measureImage(await renderStillPng(promptLook(prompt), 480, 270));
  const userText = `<scene>\nvisual direction: ${visualDirection}\nnarration: A line.\nprompt: ${prompt}\n</scene>`;
  return judge({ userText, images: [metrics] });
}

/** One automatic round as SPEC.md runs it, with the simulator as provider and judge. */
async function playRound(visualDirection: string): Promise<{ first: number; scores: number[]; passed: boolean }> {
  const first = await judgeRendered(visualDirection, visualDirection);
  let current: SceneAnalysisResult = first;
  const scores: number[] = [];
  for (let attemptNumber = 1; attemptNumber <= 3; attemptNumber++) {
    const prompt = improvedPrompt({ attemptNumber, visualDirection, analysis: current });
    const verdict = await judgeRendered(visualDirection, prompt);
    scores.push(verdict.overallScore);
    const outcome = attemptOutcome(verdict.overallScore, current.overallScore, DEFAULT_POLICY);
    if (outcome === 'success') return { first: first.overallScore, scores, passed: true };
    if (outcome === 'improved') current = verdict;
  }
  return { first: first.overallScore, scores, passed: false };
}

const TYPICAL_SCENES = [
  'A family cooking dinner together in a kitchen',
  'A woman jogging in a city park',
  'Close-up of a smartphone on a desk',
  'A bowl of fresh salad on a table',
  'Children playing football on a beach',
  'An old man reading a newspaper',
];

describe('simulator: the judge\'s own model', function () {
  this.timeout(30_000);

  it('scores plain first prompts around 45-65 and improves them to a pass within three attempts', async () => {
    const rounds = await Promise.all(TYPICAL_SCENES.map(playRound));
    for (const [index, round] of rounds.entries()) {
      assert.ok(round.first >= 40 && round.first <= 66, `${TYPICAL_SCENES[index]}: first score ${round.first}`);
      assert.ok(round.scores[0] - round.first >= 10, `${TYPICAL_SCENES[index]}: attempt 1 gained ${round.scores[0] - round.first}`);
    }
    const passed = rounds.filter((round) => round.passed).length;
    assert.ok(passed >= TYPICAL_SCENES.length - 1, `${passed} of ${TYPICAL_SCENES.length} passed: ${JSON.stringify(rounds)}`);
  });

  it('rewards the fix phrases: the same scene scores higher with them', async () => {
    const plain = await judgeRendered('A bowl of fresh salad', 'A bowl of fresh salad');
    const fixed = await judgeRendered(
      'A bowl of fresh salad',
      'A bowl of fresh salad. warm golden natural lighting, soft shadows, high resolution, sharp focus, professional quality, simple composition, single clear subject',
    );
    assert.ok(fixed.overallScore >= plain.overallScore + 10, `${plain.overallScore} -> ${fixed.overallScore}`);
    assert.ok(fixed.categoryScores.brand_compliance > plain.categoryScores.brand_compliance, 'warm pixels please the brand');
    assert.ok(fixed.categoryScores.technical > plain.categoryScores.technical, 'crisp pixels are technically better');
  });

  it('keeps a blue/gray or neon scene below the pass mark, whatever is added', async () => {
    for (const scene of ['A blue/gray office corridor', 'A street full of neon signs']) {
      const round = await playRound(scene);
      assert.equal(round.passed, false, `${scene}: ${JSON.stringify(round)}`);
      assert.ok(Math.max(round.first, ...round.scores) < 70);
    }
  });

  it('ignores the Avoid clause when reading the look', () => {
    const look = promptLook('A kitchen. Avoid: garbled text, fake UI, cold clinical lighting, blue/gray tones');
    assert.equal(look.warmth, 0);
    assert.ok(promptLook('A cold blue kitchen').warmth < -0.5);
    assert.ok(promptLook('A warm golden kitchen').warmth > 0.5);
  });

  it('reports issues whose brand descriptions trigger the workflow\'s lighting and color rules', async () => {
    const verdict = await judgeRendered('A kitchen', 'A kitchen');
    JudgeVerdictSchema.parse(verdict);
    const brand = verdict.issues.find((issue) => issue.category === 'brand_compliance');
    assert.ok(brand, 'a neutral scene has a brand issue');
    assert.match(brand.description, /lighting/i);
    assert.match(brand.description, /color/i);
    assert.ok(verdict.improvedPrompt.startsWith('A kitchen'));
    const cold = await judgeRendered('A clinical blue room', 'A clinical blue room');
    assert.match(cold.issues.find((issue) => issue.category === 'brand_compliance')?.description ?? '', /clinical/i);
  });

  it('uses a scripted score and shifts the categories with it', async () => {
    const metrics = await measureImage(await renderStillPng(promptLook('A kitchen'), 320, 180));
    const verdict = judge({ userText: 'prompt: A kitchen', images: [metrics], scriptedScore: 91 });
    assert.equal(verdict.overallScore, 91);
    assert.equal(verdict.recommendation, 'approve');
    assert.ok(Object.values(verdict.categoryScores).every((score) => score >= 60));
  });

  it('finds the prompt and the visual direction in labelled lines or JSON fields', () => {
    const labelled = findScenePrompt('Scene\nVisual direction: A red barn\nPrompt: A red barn at dusk. Avoid: blue');
    assert.equal(labelled.visualDirection, 'A red barn');
    assert.equal(labelled.prompt, 'A red barn at dusk. Avoid: blue');
    const json = findScenePrompt('```json\n{"visualDirection": "A red barn", "prompt": "A \\"red\\" barn, warm"}\n```');
    assert.equal(json.visualDirection, 'A red barn');
    assert.equal(json.prompt, 'A "red" barn, warm');
    assert.equal(labelled.key, json.key, 'one scene, one key, however it is laid out');
  });
});
