import assert from 'node:assert/strict';
import { isLocalIssue } from '../../src/domain/analysis';
import { checkRegenerateSceneInput } from '../../src/domain/input-checks';
import { verdictToAnalysis } from '../../src/analysis/verdict-to-analysis';
import { JudgeVerdictSchema, type JudgeVerdict } from '../../src/analysis/judge-verdict';
import { JUDGE_OUTPUT_SCHEMA } from '../../src/analysis/judge-prompt';

/** Issue 25 item 1: an issue may say where it is (a box, and for a clip when); without that it is global. */
const scene = (issues: unknown[]) => ({
  id: 7,
  projectId: 3,
  sceneIndex: 0,
  sceneType: 'broll',
  contentType: 'product',
  narration: 'n',
  visualDirection: 'a kettle',
  duration: 5,
  currentProvider: 'kling',
  analysisResult: { overallScore: 60, recommendation: 'regenerate', issues },
});
const logo = { category: 'ai_artifacts', severity: 'medium', description: 'warped logo' };

describe('local defects in the analysis', () => {
  it('the input checks keep a box and a span, and refuse one outside the frame or backwards, naming the path', () => {
    const local = { ...logo, region: { x: 0.4, y: 0.3, w: 0.2, h: 0.2 }, timeSpan: { startS: 1, endS: 2 } };
    const checked = checkRegenerateSceneInput({ scene: scene([local, logo]) });
    assert.ok(checked.ok);
    assert.deepEqual(checked.value.scene.analysisResult.issues, [local, logo]);
    assert.deepEqual(checked.value.scene.analysisResult.issues.map(isLocalIssue), [true, false]);
    const bad = checkRegenerateSceneInput({ scene: scene([{ ...logo, region: { x: 0.9, y: 0, w: 0.2, h: 0.1 }, timeSpan: { startS: 3, endS: 1 } }]) });
    assert.equal(bad.ok, false);
    assert.deepEqual(!bad.ok && bad.problems, [
      'scene.analysisResult.issues.0.region: must lie inside the frame: x + w and y + h at most 1',
      'scene.analysisResult.issues.0.timeSpan: endS must be after startS',
    ]);
    const policy = checkRegenerateSceneInput({ scene: scene([logo]), policy: { repairBand: 101, maxRepairDefects: 0 } });
    assert.deepEqual(!policy.ok && policy.problems, ['policy.repairBand: must be at most 100', 'policy.maxRepairDefects: must be at least 1']);
  });

  it('the judge is asked for region and timeSpan as optional fields; its answer keeps them, clipped to the frame', () => {
    const issue = ((JUDGE_OUTPUT_SCHEMA as { properties: { issues: { items: { properties: Record<string, unknown>; required?: string[] } } } }).properties.issues.items);
    assert.ok('region' in issue.properties && 'timeSpan' in issue.properties);
    assert.ok(!(issue.required ?? []).includes('region'));
    const verdict: JudgeVerdict = JudgeVerdictSchema.parse({
      overallScore: 61.6,
      categoryScores: { ai_artifacts: 50, content_match: 70, brand_compliance: 70, technical: 70, composition: 70 },
      issues: [
        { category: 'ai_artifacts', severity: 'medium', description: ' warped logo ', region: { x: 0.8, y: 0.5, w: 0.4, h: 0.2 }, timeSpan: { startS: 1, endS: 2 } },
        { category: 'ai_artifacts', severity: 'low', description: 'glint', region: { x: 1, y: 0.5, w: 0.1, h: 0.1 }, timeSpan: { startS: 2, endS: 2 } },
        { category: 'brand_compliance', severity: 'medium', description: 'cold lighting' },
      ],
      recommendation: 'regenerate',
      improvedPrompt: 'p',
    });
    const analysis = verdictToAnalysis(verdict, 70);
    assert.deepEqual(analysis.issues[0].region, { x: 0.8, y: 0.5, w: 0.19999999999999996, h: 0.2 });
    assert.deepEqual(analysis.issues[0].timeSpan, { startS: 1, endS: 2 });
    // A box with no area left and an empty span say nothing: the issue reads as global.
    assert.deepEqual(analysis.issues[1], { category: 'ai_artifacts', severity: 'low', description: 'glint' });
    assert.equal(isLocalIssue(analysis.issues[2]), false);
  });
});
