import assert from 'node:assert/strict';
import { checkRegenerateSceneInput, checkSceneAssetInput, checkStoryboard, checkUserDecision } from '../../src/domain/input-checks';

const analysis = { overallScore: 55, recommendation: 'regenerate', issues: [{ category: 'technical', severity: 'medium', description: 'soft' }] };
const scene = {
  id: 7,
  projectId: 3,
  sceneIndex: 0,
  sceneType: 'broll',
  contentType: 'product',
  narration: 'n',
  visualDirection: 'a kettle',
  duration: 5,
  currentProvider: 'kling',
  analysisResult: analysis,
};

function problems(result: { ok: boolean; problems?: string[] }): string[] {
  assert.equal(result.ok, false, 'expected a refusal');
  return result.problems!;
}

describe('input checks: regenerateSceneWorkflow input', () => {
  it('accepts the contract shape and drops fields it does not know', () => {
    const checked = checkRegenerateSceneInput({ scene: { ...scene, extra: 1 }, policy: { maxAttempts: 4 }, trigger: 'manual' });
    assert.ok(checked.ok);
    assert.deepEqual(checked.value, { scene, policy: { maxAttempts: 4 }, trigger: 'manual' });
  });

  it('names every problem by its path', () => {
    const found = problems(
      checkRegenerateSceneInput({
        scene: { ...scene, id: -1, currentProvider: 'dalle', analysisResult: { ...analysis, overallScore: 140 } },
        policy: { reviewTimeout: 'soon', providerFallbackOrder: { video: [], image: ['flux'] } },
      }),
    );
    assert.deepEqual(found, [
      'scene.id: must be at least 1',
      'scene.currentProvider: must be one of kling, runway, luma, hailuo, falai, flux',
      'scene.analysisResult.overallScore: must be at most 100',
      'policy.providerFallbackOrder.video: must have at least 1 item(s)',
      'policy.reviewTimeout: a duration such as "72h", "30 minutes" or "10s"',
    ]);
  });

  it('takes the judging settings within their bounds: band 0..50, judgments 1..5', () => {
    for (const policy of [{ uncertaintyBand: 0, judgmentsNearBar: 1 }, { uncertaintyBand: 50, judgmentsNearBar: 5 }, { uncertaintyBand: 2.5 }]) {
      const checked = checkRegenerateSceneInput({ scene, policy });
      assert.ok(checked.ok, JSON.stringify(policy));
      assert.deepEqual(checked.value.policy, policy);
    }
    assert.deepEqual(problems(checkRegenerateSceneInput({ scene, policy: { uncertaintyBand: -1, judgmentsNearBar: 0 } })), [
      'policy.uncertaintyBand: must be at least 0',
      'policy.judgmentsNearBar: must be at least 1',
    ]);
    assert.deepEqual(problems(checkRegenerateSceneInput({ scene, policy: { uncertaintyBand: 51, judgmentsNearBar: 2.5 } })), [
      'policy.uncertaintyBand: must be at most 50',
      'policy.judgmentsNearBar: must be an integer',
    ]);
    assert.deepEqual(problems(checkRegenerateSceneInput({ scene, policy: { judgmentsNearBar: 6 } })), [
      'policy.judgmentsNearBar: must be at most 5',
    ]);
  });

  it('takes the learned-choice settings: a boolean and a whole number of judged attempts from 1', () => {
    for (const policy of [{ learnedProviderChoice: false }, { learnedProviderChoice: true, minEvidence: 1 }, { minEvidence: 500 }]) {
      const checked = checkRegenerateSceneInput({ scene, policy });
      assert.ok(checked.ok, JSON.stringify(policy));
      assert.deepEqual(checked.value.policy, policy);
    }
    assert.deepEqual(problems(checkRegenerateSceneInput({ scene, policy: { learnedProviderChoice: 'no', minEvidence: 0 } })), [
      'policy.learnedProviderChoice: expected true or false',
      'policy.minEvidence: must be at least 1',
    ]);
    assert.deepEqual(problems(checkRegenerateSceneInput({ scene, policy: { minEvidence: 2.5 } })), ['policy.minEvidence: must be an integer']);
  });

  it("takes people's settings: an audit share from 0 to 1, a boolean, a whole number of verdicts from 1", () => {
    for (const policy of [{ auditRate: 0 }, { auditRate: 1, calibratedBar: true, minDecisions: 1 }, { calibratedBar: false, minDecisions: 200 }]) {
      const checked = checkRegenerateSceneInput({ scene, policy });
      assert.ok(checked.ok, JSON.stringify(policy));
      assert.deepEqual(checked.value.policy, policy);
    }
    assert.deepEqual(problems(checkRegenerateSceneInput({ scene, policy: { auditRate: 1.5, calibratedBar: 'yes', minDecisions: 0 } })), [
      'policy.auditRate: must be at most 1',
      'policy.calibratedBar: expected true or false',
      'policy.minDecisions: must be at least 1',
    ]);
  });

  it('takes a review’s cost in dollars from 0 (a pass then saves nothing)', () => {
    for (const policy of [{ reviewCostUsd: 0 }, { reviewCostUsd: 12.5 }]) {
      const checked = checkRegenerateSceneInput({ scene, policy });
      assert.ok(checked.ok, JSON.stringify(policy));
      assert.deepEqual(checked.value.policy, policy);
    }
    assert.deepEqual(problems(checkRegenerateSceneInput({ scene, policy: { reviewCostUsd: -1 } })), ['policy.reviewCostUsd: must be at least 0']);
    assert.deepEqual(problems(checkRegenerateSceneInput({ scene, policy: { reviewCostUsd: 'three' } })), ['policy.reviewCostUsd: expected a number']);
  });

  it('refuses what is not an object at all, and a whitespace-only prompt', () => {
    assert.deepEqual(problems(checkRegenerateSceneInput('scene')), ['input: expected an object']);
    assert.deepEqual(problems(checkRegenerateSceneInput({ scene, customPrompt: '   ' })), ['customPrompt: must not be empty']);
  });

  it("keeps a manual round's provider, and refuses one it does not know", () => {
    const checked = checkRegenerateSceneInput({ scene, provider: 'runway' });
    assert.ok(checked.ok);
    assert.equal(checked.value.provider, 'runway');
    assert.equal(problems(checkRegenerateSceneInput({ scene, provider: 'dall-e' })).length, 1);
  });
});

describe('input checks: sceneAssetWorkflow input and storyboards', () => {
  const pipelineScene = { ...scene, provider: 'falai', currentProvider: undefined, analysisResult: undefined };

  it('accepts a pipeline scene', () => {
    const checked = checkSceneAssetInput({ scene: pipelineScene, project: { id: 3, name: 'Kettles' } });
    assert.ok(checked.ok);
    assert.equal(checked.value.scene.provider, 'falai');
    assert.deepEqual(checked.value.project, { id: 3, name: 'Kettles' });
  });

  it('accepts a pipeline scene that names no provider (the step chooses one), but not an unknown one', () => {
    const { provider: _provider, ...unnamed } = pipelineScene;
    const checked = checkSceneAssetInput({ scene: unnamed, policy: { learnedFirstProvider: true } });
    assert.ok(checked.ok);
    assert.equal(checked.value.scene.provider, undefined);
    assert.equal(checked.value.policy?.learnedFirstProvider, true);
    assert.match(problems(checkSceneAssetInput({ scene: { ...unnamed, provider: 'dall-e' } }))[0], /scene\.provider/);
    assert.match(problems(checkSceneAssetInput({ scene: unnamed, policy: { learnedFirstProvider: 'yes' } }))[0], /policy\.learnedFirstProvider/);
    assert.match(problems(checkSceneAssetInput({ scene: unnamed, policy: { judgeModels: ['gpt-4o'] } }))[0], /policy\.judgeModels\.0/);
  });

  it('fills a storyboard scene\'s project and place, and refuses duplicates and other projects', () => {
    const { id: _id, projectId: _p, sceneIndex: _i, ...rest } = pipelineScene;
    const checked = checkStoryboard({ project: { id: 3 }, scenes: [{ ...rest, id: 1 }, { ...rest, id: 2 }] });
    assert.ok(checked.ok);
    assert.deepEqual(
      checked.value.scenes.map((s) => [s.id, s.projectId, s.sceneIndex]),
      [
        [1, 3, 0],
        [2, 3, 1],
      ],
    );
    assert.match(problems(checkStoryboard({ project: { id: 3 }, scenes: [{ ...rest, id: 1 }, { ...rest, id: 1 }] }))[0], /scenes\.1\.id: scene id 1 appears twice/);
    assert.match(problems(checkStoryboard({ project: { id: 3 }, scenes: [{ ...rest, id: 1, projectId: 4 }] }))[0], /names project 4/);
  });
});

describe('input checks: a reviewer\'s decision', () => {
  it('accepts each action and drops unknown fields from a signal', () => {
    for (const decision of [
      { action: 'approve', reviewer: 'ana' },
      { action: 'approve', attemptNumber: 0, reviewer: 'ana', note: 'fine' },
      { action: 'reject', reviewer: 'bo', note: 'off brand' },
      { action: 'regenerate', reviewer: 'bo', customPrompt: 'a red kettle', provider: 'luma' },
    ]) {
      const checked = checkUserDecision({ ...decision, clickedAt: 3 });
      assert.ok(checked.ok, JSON.stringify(decision));
      assert.deepEqual(checked.value, decision);
    }
  });

  it('refuses what does not fit, with the reasons', () => {
    assert.deepEqual(problems(checkUserDecision({ action: 'maybe', reviewer: 'ana' })), ['decision.action: must be one of approve, reject, regenerate']);
    assert.deepEqual(problems(checkUserDecision({ action: 'approve', attemptNumber: 1.5, reviewer: '' })), [
      'decision.reviewer: must not be empty',
      'decision.attemptNumber: must be an integer',
    ]);
    assert.deepEqual(problems(checkUserDecision({ action: 'regenerate', provider: 'dalle', reviewer: 'ana', note: 'x'.repeat(2001) })), [
      'decision.note: must be at most 2000 characters',
      'decision.provider: must be one of kling, runway, luma, hailuo, falai, flux',
    ]);
    assert.deepEqual(problems(checkUserDecision(null)), ['decision: expected an object']);
  });

  it('from the API, the reviewer comes from the token and unknown fields are refused', () => {
    const checked = checkUserDecision({ action: 'approve', attemptNumber: 2 }, { path: 'body', reviewer: 'ana' });
    assert.ok(checked.ok);
    assert.deepEqual(checked.value, { action: 'approve', attemptNumber: 2, reviewer: 'ana' });
    assert.deepEqual(problems(checkUserDecision({ action: 'reject', reviewer: 'mallory' }, { path: 'body', reviewer: 'ana' })), [
      'body.reviewer: is not a known field',
    ]);
    assert.deepEqual(problems(checkUserDecision({ action: 'reject', attemptNumber: 1 }, { path: 'body', reviewer: 'ana' })), [
      'body.attemptNumber: is not a known field',
    ]);
  });
});

describe('input checks: edge inputs are refused clearly or normalised', () => {
  it('a provider name in another case is the same provider', () => {
    const checked = checkRegenerateSceneInput({ scene: { ...scene, currentProvider: ' Kling ' } });
    assert.ok(checked.ok);
    assert.equal(checked.value.scene.currentProvider, 'kling');
    const decision = checkUserDecision({ action: 'regenerate', provider: 'RUNWAY', reviewer: 'ana' });
    assert.ok(decision.ok);
    assert.deepEqual(decision.value, { action: 'regenerate', provider: 'runway', reviewer: 'ana' });
  });

  it('a whitespace-only visual direction or person prompt is refused; one with spaces around is trimmed', () => {
    assert.deepEqual(problems(checkRegenerateSceneInput({ scene: { ...scene, visualDirection: ' \n\t ' } })), [
      'scene.visualDirection: must not be blank',
    ]);
    assert.deepEqual(problems(checkUserDecision({ action: 'regenerate', customPrompt: '   ', reviewer: 'ana' })), [
      'decision.customPrompt: must not be empty',
    ]);
    const trimmed = checkUserDecision({ action: 'regenerate', customPrompt: '  a blue kettle \n', reviewer: 'ana' });
    assert.ok(trimmed.ok);
    assert.equal(trimmed.value.action === 'regenerate' && trimmed.value.customPrompt, 'a blue kettle');
    const direction = checkRegenerateSceneInput({ scene: { ...scene, visualDirection: ' a kettle ' } });
    assert.ok(direction.ok);
    assert.equal(direction.value.scene.visualDirection, 'a kettle');
  });

  it('an empty brand phrase is refused, naming the field and how to keep the default', () => {
    const found = problems(
      checkRegenerateSceneInput({ scene, project: { id: 3, brandProfile: { lightingFix: '', avoid: '  ' } } }),
    );
    assert.deepEqual(found, [
      'project.brandProfile.lightingFix: must not be blank (leave it out for the default)',
      'project.brandProfile.avoid: must not be blank (leave it out for the default)',
    ]);
  });

  it('a very long note or reviewer name is refused with its limit', () => {
    assert.deepEqual(problems(checkUserDecision({ action: 'reject', reviewer: 'ana', note: 'n'.repeat(2001) })), [
      'decision.note: must be at most 2000 characters',
    ]);
    assert.ok(checkUserDecision({ action: 'reject', reviewer: 'ana', note: 'n'.repeat(2000) }).ok);
  });
});
