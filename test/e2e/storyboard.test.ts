import assert from 'node:assert/strict';
import type { SceneAssetInput } from '../../src/domain/inputs';
import type { SceneAssetResult } from '../../src/domain/regeneration';
import { countRows, getScene, listReviewQueuePage } from '../../src/db/queries';
import type { Stack } from '../../src/stack/start-stack';
import { sceneAssetWorkflow } from '../../workflows';
import { getRegenerationStateQuery } from '../../workflows/messages';
import { startE2eStack, type E2eStack } from '../helpers/e2e-stack';
import { uniqueSceneId } from '../helpers/scenes';

describe('a storyboard end to end: real activities, simulator, PostgreSQL, Temporal', function () {
  this.timeout(240_000);
  let e2e: E2eStack | undefined;
  let stack: Stack;
  const projectId = uniqueSceneId();

  before(async function () {
    this.timeout(240_000);
    e2e = await startE2eStack({ name: 'storyboard-e2e', env: { REVIEW_API_TOKEN: 'e2e-token' } });
    stack = e2e.stack;
    stack.simulator!.setScenarios([
      { match: 'ceramic mug', scores: [82] },
      { match: 'mountain lake', scores: [50, 75] },
      {
        match: 'neon arcade',
        scores: [40, 45, 52, 55],
        issues: [{ category: 'brand_compliance', severity: 'high', description: 'cold clinical lighting' }],
      },
    ]);
  });

  after(async function () {
    this.timeout(60_000);
    await e2e?.stop();
  });

  function scene(sceneIndex: number, visualDirection: string, provider: 'falai' | 'kling' | 'luma', duration: number) {
    return {
      id: uniqueSceneId(),
      projectId,
      sceneIndex,
      sceneType: 'b-roll',
      contentType: 'product',
      narration: `Scene ${sceneIndex} of the launch film.`,
      visualDirection,
      duration,
      provider,
    };
  }

  it('passing scenes need no round, failing ones regenerate, one escalates; the database matches', async () => {
    const scenes = [
      scene(0, 'A ceramic mug on an oak table', 'falai', 0),
      scene(1, 'A mountain lake at dawn', 'kling', 5),
      scene(2, 'A neon arcade at night', 'luma', 5),
    ];
    const project = { id: projectId, name: 'Launch film' };
    const results: SceneAssetResult[] = await Promise.all(
      scenes.map(async (s) => {
        const input: SceneAssetInput = { scene: s, project };
        return stack.client.workflow.execute(sceneAssetWorkflow, {
          taskQueue: stack.config.temporal.taskQueue,
          workflowId: `scene-asset-${s.id}`,
          args: [input],
        });
      }),
    );
    const [mug, lake, arcade] = results;

    assert.equal(mug.needsUserReview, false);
    assert.equal(mug.regeneration, undefined);
    assert.equal(mug.qualityScore, 82);

    assert.equal(lake.needsUserReview, false);
    assert.equal(lake.regeneration?.outcome, 'passed');
    assert.equal(lake.regeneration?.attempts.length, 1);
    assert.equal(lake.qualityScore, 75);

    assert.equal(arcade.needsUserReview, true);
    const round = stack.client.workflow.getHandle(arcade.reviewWorkflowId!);
    const waiting = await round.query(getRegenerationStateQuery);
    assert.equal(waiting.status, 'awaiting_review');
    assert.equal(waiting.attempts.length, 3);
    // The judge flagged cold lighting, so every retry asked for warm light.
    for (const attempt of waiting.attempts) assert.match(attempt.prompt, /warm golden natural lighting/);
    assert.deepEqual(waiting.attempts.map((a) => a.provider), ['luma', 'kling', 'luma']);

    // The database holds exactly what the workflows report.
    const stored = await Promise.all(scenes.map((s) => getScene(stack.db, s.id)));
    assert.equal(stored[0]?.regenerationAttempts.length, 0);
    assert.equal(stored[0]?.qualityScore, 82);
    assert.equal(stored[0]?.assetUrl, mug.assetUrl);
    assert.equal(stored[1]?.regenerationAttempts.length, 1);
    assert.equal(stored[1]?.qualityScore, 75);
    assert.equal(stored[1]?.status, 'passed');
    assert.equal(stored[1]?.assetUrl, lake.regeneration?.newAssetUrl);
    assert.deepEqual(
      stored[2]?.regenerationAttempts.map((a) => [a.attemptNumber, a.result, a.scoreAfter, a.assetUrl]),
      waiting.attempts.map((a) => [a.attemptNumber, a.result, a.scoreAfter, a.assetUrl]),
    );
    assert.equal(stored[2]?.needsUserReview, true);
    // Audits of passed scenes (policy.auditRate) wait beside the escalation and block nothing.
    const queue = (await listReviewQueuePage(stack.db, { status: 'pending', projectId })).items.filter(
      (e) => e.reason !== 'audit' && scenes.some((s) => s.id === e.sceneId),
    );
    assert.equal(queue.length, 1);
    assert.equal(queue[0].sceneId, scenes[2].id);
    // The entry names the round's best, as the round does (SPEC.md "Judging and choosing").
    assert.equal(queue[0].bestScore, waiting.bestPick?.score);
    assert.equal(queue[0].bestAttemptNumber, waiting.bestAttemptNumber);
    assert.deepEqual(queue[0].bestPick, waiting.bestPick);
    assert.ok((await countRows(stack.db, 'regeneration_attempts')) >= 4);

    // One provider submission per generation: 1 + 2 + 4, never a duplicate.
    const calls = stack.simulator!.calls();
    const submissions = Object.values(calls.providers).reduce((sum, p) => sum + p.submissions, 0);
    assert.equal(submissions, 7);

    // Every asset is our own stored copy, served by the web server with its real media type.
    for (const [url, type] of [
      [mug.assetUrl!, 'image/png'],
      [lake.regeneration!.newAssetUrl!, 'video/mp4'],
    ]) {
      assert.ok(url.startsWith(stack.config.publicUrl), url);
      const response = await fetch(url);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), type);
      const bytes = Buffer.from(await response.arrayBuffer());
      assert.equal(bytes.subarray(type === 'image/png' ? 1 : 4, type === 'image/png' ? 4 : 8).toString('latin1'), type === 'image/png' ? 'PNG' : 'ftyp');
    }
  });
});
