import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { roundWrites } from '../db/round-writes';
import type { Db } from '../../src/db/database';
import type { SceneActivities } from '../../activities';
import { judgeUntilSure } from '../../activities/judge-until-sure';
import { createSceneRecordActivities } from '../../activities/scene-records';
import type { SceneAnalysisResult } from '../../src/domain/analysis';
import type { PipelineScene } from '../../src/domain/scene';
import type { AssetStore } from '../../src/storage/asset-store';
import { LocalAssetStore } from '../../src/storage/local-asset-store';
import { buildWebServer } from '../../src/web/server';
import { emptyTables, testDatabase } from '../db/test-databases';
import { fakeActivities, type FakeCalls, type FakeScript } from '../helpers/fake-activities';
import { uniqueSceneId } from '../helpers/scenes';
import { withWorker } from '../helpers/workflow-runner';

export const TOKENS = { ana: 'token-for-ana-0123456789', bo: 'token-for-bo-9876543210' } as const;
export const PROJECT_ID = 31;

/** The n-th analysis (0-based) of a scene's assets scores this; a scene's own counter. */
export type SceneScores = (sceneId: number, nth: number) => number;

export interface WebHarness {
  app: FastifyInstance;
  db: Db;
  client: Client;
  taskQueue: string;
  /** The local store over a fresh temporary directory, which the web server serves. */
  assets: AssetStore;
  calls: FakeCalls;
  /** A request as reviewer `as` (default ana); `token: null` sends no Authorization header. */
  request(options: InjectOptions & { as?: keyof typeof TOKENS; token?: string | null }): Promise<LightMyRequestResponse>;
}

/**
 * A worker with the real database activities over the embedded database and scripted
 * generation and analysis, and the web server over the same database and Temporal.
 */
export async function withWebServer<T>(
  scores: SceneScores,
  body: (harness: WebHarness) => Promise<T>,
  options: { generationDelayMs?: number; script?: Partial<FakeScript> } = {},
): Promise<T> {
  const { db } = await testDatabase('pglite');
  await emptyTables(db);
  const fake = fakeActivities({ scores: [0], generationDelayMs: options.generationDelayMs, ...options.script });
  const analysesPerScene = new Map<number, number>();
  const activities: SceneActivities = {
    ...fake.activities,
    ...roundWrites(db).steps,
    ...createSceneRecordActivities(db),
    judgeAsset: (request) =>
      judgeUntilSure(request, async (asked) => {
        fake.calls.analyses.push(asked);
        const nth = analysesPerScene.get(asked.scene.id) ?? 0;
        analysesPerScene.set(asked.scene.id, nth + 1);
        return { analysis: analysisWithScore(scores(asked.scene.id, nth)), costUsd: 0.01, modelSkipped: false };
      }),
  };
  const assets = new LocalAssetStore({ rootDir: mkdtempSync(path.join(tmpdir(), 'web-assets-')), publicUrl: 'http://localhost:3000' });
  return withWorker(activities, async ({ client, taskQueue }) => {
    const app = buildWebServer({
      db,
      temporal: client,
      taskQueue,
      assets,
      reviewers: [
        { reviewer: 'ana', token: TOKENS.ana },
        { reviewer: 'bo', token: TOKENS.bo },
      ],
    });
    try {
      return await body({
        app,
        db,
        client,
        taskQueue,
        assets,
        calls: fake.calls,
        request: ({ as = 'ana', token, headers, ...options }) => {
          const presented = token === undefined ? TOKENS[as] : token;
          return app.inject({
            ...options,
            headers: { ...headers, ...(presented === null ? {} : { authorization: `Bearer ${presented}` }) },
          });
        },
      });
    } finally {
      await app.close();
    }
  });
}

export function analysisWithScore(score: number): SceneAnalysisResult {
  return {
    overallScore: score,
    recommendation: score >= 70 ? 'approve' : 'regenerate',
    issues: score >= 70 ? [] : [{ category: 'brand_compliance', severity: 'medium', description: 'cold clinical lighting' }],
  };
}

export function pipelineScene(overrides: Partial<PipelineScene> = {}): PipelineScene {
  return {
    id: uniqueSceneId(),
    projectId: PROJECT_ID,
    sceneIndex: 4,
    sceneType: 'b-roll',
    contentType: 'food',
    narration: 'Fresh bread out of the oven.',
    visualDirection: 'A loaf of sourdough on a wooden board',
    duration: 5,
    provider: 'kling',
    aspectRatio: '16:9',
    ...overrides,
  };
}

/** Stores a scene as the pipeline would; `analysed` also gives it its first asset and score. */
export async function seedScene(db: Db, options: { score?: number; overrides?: Partial<PipelineScene> } = {}): Promise<PipelineScene> {
  const scene = pipelineScene(options.overrides);
  await roundWrites(db).saveScene({
    scene,
    project: { id: scene.projectId, name: 'Bakery', brandProfile: { lightingFix: 'soft window light' } },
    ...(options.score === undefined
      ? {}
      : { current: { assetUrl: `http://assets.test/assets/first-${scene.id}.png`, analysis: analysisWithScore(options.score) } }),
  });
  return scene;
}

/** Polls until `read` gives a value `done` accepts (the round works in the background). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`not reached in time; last: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}
