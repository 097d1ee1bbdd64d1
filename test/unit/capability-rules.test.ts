import assert from 'node:assert/strict';
import type { ProviderName } from '../../src/domain/provider';
import { capabilityProblem } from '../../src/rules/capabilities';
import type { SceneNeeds } from '../../src/domain/scene';
import { decisionProblem } from '../../src/rules/decision';
import { providerCandidates, sceneNeeds } from '../../src/rules/provider-choice';

const video = (aspectRatio = '16:9', durationSeconds = 5): SceneNeeds => ({ kind: 'video', durationSeconds, aspectRatio });
const image = (aspectRatio = '16:9'): SceneNeeds => ({ kind: 'image', durationSeconds: 0, aspectRatio });

describe('rules: what each provider can make', () => {
  const cases: [ProviderName, SceneNeeds, RegExp | undefined][] = [
    ['kling', video(), undefined],
    ['runway', video(), undefined],
    ['luma', video(), undefined],
    ['hailuo', video(), undefined],
    ['runway', video('1280:720'), undefined],
    ['runway', video('9:16'), undefined],
    ['runway', video('1:1'), /runway makes video in 1280:720, 720:1280 only, and this scene is 1:1/],
    ['runway', video('21:9'), /runway makes video in/],
    ['kling', video('1:1'), undefined],
    ['kling', video('4:3'), /kling makes video in 16:9, 9:16, 1:1 only/],
    ['luma', video('21:9'), undefined],
    ['hailuo', video('9:16'), /hailuo makes video in 16:9 only/],
    ['hailuo', video('16:9', 6), undefined],
    ['hailuo', video('16:9', 8), /hailuo makes clips of at most 6 s, and this scene is 8 s/],
    ['kling', video('16:9', 10), undefined],
    ['kling', video('16:9', 12), /at most 10 s/],
    ['runway', video('16:9', 12), /at most 10 s/],
    ['falai', video(), /falai makes images only, and this scene is a video/],
    ['flux', video(), /flux makes images only/],
    ['falai', image(), undefined],
    ['flux', image('1:1'), undefined],
    ['flux', image('4:1'), undefined],
    ['flux', image('5:1'), /flux cannot make an image as wide or as tall as 5:1/],
    ['falai', image('5:1'), undefined],
    ['runway', image('16:9'), undefined],
    ['runway', image('5:1'), /runway makes images in/],
    ['kling', image(), /kling makes video only, and this scene is a still image/],
    ['luma', image(), /video only/],
    ['hailuo', image(), /video only/],
  ];
  for (const [provider, needs, expected] of cases) {
    const label = `${provider} for a ${needs.kind} ${needs.aspectRatio}${needs.kind === 'video' ? ` ${needs.durationSeconds} s` : ''}`;
    it(`${label}: ${expected ? 'cannot' : 'can'}`, () => {
      const problem = capabilityProblem(provider, needs);
      if (expected === undefined) assert.equal(problem, undefined);
      else assert.match(problem ?? '', expected);
    });
  }
});

describe('rules: what a scene needs', () => {
  it('takes its kind from its duration and its own provider, and 16:9 when it names no shape', () => {
    assert.deepEqual(sceneNeeds({ duration: 5 }, 'kling'), { kind: 'video', durationSeconds: 5, aspectRatio: '16:9' });
    assert.deepEqual(sceneNeeds({ duration: 5, aspectRatio: '1:1' }, 'flux'), { kind: 'image', durationSeconds: 0, aspectRatio: '1:1' });
    assert.deepEqual(sceneNeeds({ duration: 0 }, 'kling'), { kind: 'image', durationSeconds: 0, aspectRatio: '16:9' });
  });
});

describe('rules: which providers an attempt may use', () => {
  const order: ProviderName[] = ['kling', 'runway', 'luma', 'hailuo'];
  const cases: [string, ProviderName, SceneNeeds, ProviderName[], ProviderName[]][] = [
    ['the static choice first, then the order after it, wrapping', 'luma', video(), ['luma', 'hailuo', 'kling', 'runway'], []],
    ['a 1:1 scene leaves out Runway and Hailuo', 'runway', video('1:1'), ['luma', 'kling'], ['runway']],
    ['a 9:16 scene leaves out Hailuo only', 'hailuo', video('9:16'), ['kling', 'runway', 'luma'], ['hailuo']],
    ['an 8-second scene leaves out Hailuo', 'kling', video('16:9', 8), ['kling', 'runway', 'luma'], []],
    ['a 12-second scene: nobody can', 'kling', video('16:9', 12), [], ['kling']],
    ['a static choice outside the order still comes first', 'falai', image(), ['falai'], []],
  ];
  for (const [label, preferred, needs, candidates, skipped] of cases) {
    it(label, () => {
      const fitting = providerCandidates(preferred, preferred === 'falai' ? [] : order, needs);
      assert.deepEqual(fitting.candidates, candidates);
      assert.deepEqual(fitting.skipped.map((s) => s.provider), skipped);
      for (const skip of fitting.skipped) assert.match(skip.reason, new RegExp(skip.provider));
    });
  }
});

describe('rules: a person’s choice of provider', () => {
  const videoScene = { duration: 5, currentProvider: 'kling' as const };
  const cases: [string, Parameters<typeof decisionProblem>[0], Parameters<typeof decisionProblem>[2], RegExp | undefined][] = [
    ['an image provider for a video scene', { action: 'regenerate', provider: 'flux', reviewer: 'ana' }, videoScene, /provider flux cannot make this scene: flux makes images only/],
    ['a video provider for a video scene', { action: 'regenerate', provider: 'luma', reviewer: 'ana' }, videoScene, undefined],
    ['Runway for a square video', { action: 'regenerate', provider: 'runway', reviewer: 'ana' }, { ...videoScene, aspectRatio: '1:1' }, /runway makes video in/],
    ['a video provider for a still', { action: 'regenerate', provider: 'kling', reviewer: 'ana' }, { duration: 0, currentProvider: 'flux' }, /kling makes video only/],
    ['no provider named', { action: 'regenerate', reviewer: 'ana' }, videoScene, undefined],
    ['without the scene, nothing is checked', { action: 'regenerate', provider: 'flux', reviewer: 'ana' }, undefined, undefined],
  ];
  for (const [label, decision, scene, expected] of cases) {
    it(label, () => {
      const problem = decisionProblem(decision, [], scene);
      if (expected === undefined) assert.equal(problem, undefined);
      else assert.match(problem ?? '', expected);
    });
  }
});
