import assert from 'node:assert/strict';
import path from 'node:path';
import type { Db } from '../../src/db/database';
import { getScene, pendingReviewEntryOf } from '../../src/db/queries';
import { readDemoStoryboard } from '../../src/demo/storyboard';
import { PROJECT_ROOT } from '../../src/project-root';
import type { SceneAssetResult } from '../../src/domain/regeneration';
import { startStoryboard } from '../../src/temporal/scene-pipeline';
import { getRegenerationStateQuery } from '../../workflows/messages';
import type { ClusterStack } from './cluster-stack';

/**
 * The sample storyboard `npm run demo` runs (examples/storyboard.json, read by
 * src/demo/storyboard.ts), started as the demo starts it, through the production stack: the
 * compiled workers generate and judge on the simulator, assets go to versitygw, the compiled web
 * server answers for every scene and serves every asset.
 */
export async function checkStoryboardOnCluster(cluster: ClusterStack, db: Db): Promise<void> {
  const { stack, client } = cluster;
  // The project id as the demo picks it: the storyboard's scene ids are derived from it (× 100).
  const storyboard = readDemoStoryboard(path.join(PROJECT_ROOT, 'examples', 'storyboard.json'), Math.floor(Date.now() / 1000) % 1_000_000);
  const started = await startStoryboard(client, stack.taskQueue, storyboard);
  assert.equal(started.length, storyboard.scenes.length);
  // Every pipeline step is awaited before a failure is raised: none is left polling the server.
  const settled = await Promise.allSettled(started.map((s) => client.workflow.getHandle(s.workflowId).result() as Promise<SceneAssetResult>));
  const results = settled.map((outcome) => {
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  });

  const api = async (route: string): Promise<Response> => fetch(`${stack.webUrl}${route}`, { headers: { authorization: `Bearer ${stack.reviewToken}` } });
  const outcomes: string[] = [];
  for (const [index, result] of results.entries()) {
    const sceneId = started[index].sceneId;
    assert.equal(result.sceneId, sceneId);
    const stored = await getScene(db, sceneId);
    const answered = await api(`/api/scenes/${sceneId}`);
    assert.equal(answered.status, 200, await answered.clone().text());
    const view = (await answered.json()) as { status: string; needsUserReview: boolean; assetUrl?: string };
    assert.equal(view.status, stored?.status);
    assert.equal(view.needsUserReview, result.needsUserReview);

    if (result.needsUserReview) {
      // Waiting for a person: the round waits, with its queue entry naming the round's best.
      const waiting = await client.workflow.getHandle(result.reviewWorkflowId!).query(getRegenerationStateQuery);
      assert.equal(waiting.status, 'awaiting_review');
      const entry = await pendingReviewEntryOf(db, sceneId);
      assert.equal(entry?.bestScore, waiting.bestPick?.score);
      outcomes.push('awaiting review');
    } else {
      assert.ok(result.assetUrl, `scene ${sceneId} passed with an asset`);
      assert.equal(view.assetUrl, result.assetUrl);
      assert.ok(result.assetUrl.startsWith(stack.webUrl), result.assetUrl);
      // The web server streams it from the object store the worker stored it in.
      const asset = await fetch(result.assetUrl);
      assert.equal(asset.status, 200, result.assetUrl);
      assert.ok((await asset.arrayBuffer()).byteLength > 0);
      outcomes.push('passed');
    }
  }
  // The sample storyboard is written so that scenes improve and pass, and the neon one escalates.
  assert.ok(outcomes.includes('passed'), outcomes.join());
  assert.ok(outcomes.includes('awaiting review'), outcomes.join());

  // Leave no round waiting on the stack.
  for (const result of results.filter((r) => r.needsUserReview)) {
    await client.workflow.getHandle(result.reviewWorkflowId!).cancel();
  }
}
