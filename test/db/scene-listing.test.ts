import assert from 'node:assert/strict';
import { BadCursorError, listReviewQueuePage, listScenes } from '../../src/db/queries';
import { describeEachDatabase } from './test-databases';

describeEachDatabase('scene listing', ({ db }) => {
  const COUNT = 1_200;

  beforeEach(async () => {
    const { kysely } = db();
    await kysely.insertInto('projects').values([{ id: 7, name: 'Spring launch' }, { id: 8, name: null }]).execute();
    const rows = Array.from({ length: COUNT }, (_, i) => ({
      id: i + 1,
      project_id: i % 3 === 0 ? 8 : 7,
      scene_index: i,
      scene_type: 'b-roll',
      content_type: 'food',
      narration: 'n',
      visual_direction: 'v',
      duration: 0,
      provider: 'flux',
      status: i % 4 === 0 ? ('awaiting_review' as const) : ('passed' as const),
    }));
    for (let i = 0; i < rows.length; i += 400) await kysely.insertInto('scenes').values(rows.slice(i, i + 400)).execute();
  });

  it('pages through 1,200 scenes with the cursor: each once, in id order, no fixed cap', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listScenes(db(), { limit: 500, cursor });
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    assert.equal(pages, 3);
    assert.deepEqual(seen, Array.from({ length: COUNT }, (_, i) => i + 1));
  });

  it('filters by project and status, and names the project', async () => {
    const page = await listScenes(db(), { projectId: 7, status: 'awaiting_review', limit: 500 });
    assert.ok(page.items.length > 0);
    assert.ok(page.items.every((s) => s.projectId === 7 && s.status === 'awaiting_review'));
    assert.equal(page.items[0]?.projectName, 'Spring launch');
    const unnamed = await listScenes(db(), { projectId: 8, limit: 1 });
    assert.equal(unnamed.items[0]?.projectName, undefined);
    assert.ok(unnamed.nextCursor);
  });

  it('refuses a cursor it did not give out', async () => {
    await assert.rejects(listScenes(db(), { cursor: 'bm9wZQ' }), BadCursorError);
  });

  it('pages the review queue through 1,200 entries newest first, ties on time broken by id, each once', async () => {
    const { kysely } = db();
    const rows = Array.from({ length: COUNT }, (_, i) => ({
      scene_id: i + 1,
      project_id: 7,
      scene_index: 0,
      workflow_id: `regenerate-scene-${i + 1}`,
      run_id: 'r',
      round: 1,
      reason: 'auto_regeneration_failed',
      best_score: 50,
      attempts: '[]',
      // Three entries share each second: the cursor must not lose or repeat one at a page edge.
      created_at: new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 3) * 1000).toISOString(),
    }));
    for (let i = 0; i < rows.length; i += 400) await kysely.insertInto('review_queue').values(rows.slice(i, i + 400)).execute();
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listReviewQueuePage(db(), { status: 'pending', limit: 500, cursor });
      seen.push(...page.items.map((e) => e.sceneId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    assert.equal(pages, 3);
    assert.equal(seen.length, COUNT);
    assert.equal(new Set(seen).size, COUNT);
    // Newest first; within a second, the higher id first.
    assert.deepEqual(seen.slice(0, 4), [COUNT, COUNT - 1, COUNT - 2, COUNT - 3]);
    const named = await listReviewQueuePage(db(), { limit: 1 });
    assert.equal(named.items[0]?.projectName, 'Spring launch');
  });
});
