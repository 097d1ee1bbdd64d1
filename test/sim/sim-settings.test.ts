import assert from 'node:assert/strict';
import { EXACT_JUDGE, parseJudgeSpec, REALISTIC_JUDGE } from '../../src/sim/judge/judge-settings';
import { DEFAULT_REVIEWER_BARS } from '../../src/sim/judge/reviewer';
import { simSettingsFromEnv } from '../../src/sim/sim-env';
import { applySettings, DEFAULT_SIM_SETTINGS } from '../../src/sim/sim-settings';
import { judgeSettingsFor } from '../../src/sim/scenario-rules';

describe('simulator settings: defaults, the environment and rules', () => {
  it('keeps the demo readable by default: an exact judge', () => {
    assert.deepEqual(DEFAULT_SIM_SETTINGS.judge, EXACT_JUDGE);
    assert.equal(EXACT_JUDGE.persistentSigma + EXACT_JUDGE.callSigma + EXACT_JUDGE.firstPositionBias + EXACT_JUDGE.spuriousIssueRate, 0);
    assert.equal(EXACT_JUDGE.pairwiseAccuracy, 1);
    assert.equal(EXACT_JUDGE.issueRecall, 1);
    assert.deepEqual(
      { persistentSigma: REALISTIC_JUDGE.persistentSigma, callSigma: REALISTIC_JUDGE.callSigma, viewCorrelation: REALISTIC_JUDGE.viewCorrelation },
      { persistentSigma: 8, callSigma: 3, viewCorrelation: 0.5 },
    );
  });

  it('reads the --noise form, the presets and full names, and refuses anything else', () => {
    assert.deepEqual(parseJudgeSpec('realistic'), REALISTIC_JUDGE);
    assert.deepEqual(parseJudgeSpec('persistent=8,call=3,rho=0.5,pairwise=0.8,position=0.05'), {
      ...EXACT_JUDGE,
      persistentSigma: 8,
      callSigma: 3,
      viewCorrelation: 0.5,
      pairwiseAccuracy: 0.8,
      firstPositionBias: 0.05,
    });
    assert.deepEqual(parseJudgeSpec('realistic, call=0, issueRecall=0.6'), { ...REALISTIC_JUDGE, callSigma: 0, issueRecall: 0.6 });
    for (const [spec, message] of [
      ['persistent=much', /persistent must be a number/],
      ['noise=3', /"noise=3" is not name=value/],
      ['pairwise=0.2', /pairwiseAccuracy must be a number from 0\.5 to 1/],
      ['call', /"call" is not name=value/],
    ] as const) {
      assert.throws(() => parseJudgeSpec(spec), message, spec);
    }
  });

  it('reads SIM_JUDGE, SIM_JUDGE_NOISE, SIM_SEED, SIM_PROVIDER_PROFILE and the reviewers\' variables', () => {
    assert.deepEqual(applySettings(DEFAULT_SIM_SETTINGS, simSettingsFromEnv({})), DEFAULT_SIM_SETTINGS);
    const old = applySettings(DEFAULT_SIM_SETTINGS, simSettingsFromEnv({ SIM_JUDGE_NOISE: '4', SIM_SEED: '9', SIM_PROVIDER_PROFILE: 'on' }));
    assert.deepEqual(old.judge, { ...EXACT_JUDGE, callSigma: 4 });
    assert.equal(old.seed, 9);
    assert.equal(old.providerProfile, true);
    const realistic = applySettings(
      DEFAULT_SIM_SETTINGS,
      simSettingsFromEnv({ SIM_JUDGE: 'realistic', SIM_JUDGE_NOISE: '1', SIM_REVIEWER_BARS: 'Person=80, drone=55', SIM_REVIEWER_SIGMA: '0' }),
    );
    assert.deepEqual(realistic.judge, { ...REALISTIC_JUDGE, callSigma: 1 });
    assert.deepEqual(realistic.reviewerBars, { ...DEFAULT_REVIEWER_BARS, person: 80, drone: 55 });
    assert.equal(realistic.reviewerSigma, 0);
    assert.throws(() => simSettingsFromEnv({ SIM_JUDGE: 'call=2', SIM_JUDGE_NOISE: '3' }), /give one/);
    assert.throws(() => simSettingsFromEnv({ SIM_REVIEWER_BARS: 'person:80' }), /SIM_REVIEWER_BARS: "person:80" is not contentType=number/);
    assert.throws(() => simSettingsFromEnv({ SIM_SEED: '-1' }), /SIM_SEED/);
    assert.throws(() => applySettings(DEFAULT_SIM_SETTINGS, simSettingsFromEnv({ SIM_REVIEWER_BARS: 'food=120' })), /reviewerBars\.food/);
  });

  it('takes a rule\'s judge settings over the simulator\'s, and judgeNoise as its per-call σ', () => {
    assert.equal(judgeSettingsFor(REALISTIC_JUDGE, undefined), REALISTIC_JUDGE);
    assert.deepEqual(judgeSettingsFor(REALISTIC_JUDGE, { match: 'x', judgeNoise: 0 }), { ...REALISTIC_JUDGE, callSigma: 0 });
    assert.deepEqual(judgeSettingsFor(EXACT_JUDGE, { match: 'x', judge: { persistentSigma: 5, pairwiseAccuracy: 0.7 } }), {
      ...EXACT_JUDGE,
      persistentSigma: 5,
      pairwiseAccuracy: 0.7,
    });
  });
});
