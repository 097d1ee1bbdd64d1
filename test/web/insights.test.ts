import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { roundWrites } from '../db/round-writes';
import type { RoundWrites } from '../db/round-writes';
import type { RegenerationAttempt, UserDecision } from '../../src/domain/regeneration';
import { LocalAssetStore } from '../../src/storage/local-asset-store';
import type { InsightsResponse } from '../../src/domain/http-api';
import { buildWebServer } from '../../src/web/server';
import { attempt, sceneRequest } from '../db/fixtures';
import { emptyTables, testDatabase } from '../db/test-databases';

const TOKENS = { ana: 'token-for-ana-0123456789', bo: 'token-for-bo-9876543210' } as const;
const OURS = 7;
const THEIRS = 8;

describe('HTTP API: GET /api/insights', function () {
  this.timeout(60_000);
  let app: FastifyInstance;
  let activities: RoundWrites;

  before(async function () {
    this.timeout(120_000);
    const { db } = await testDatabase('pglite');
    await emptyTables(db);
    activities = roundWrites(db);
    // The route reads the database only: no Temporal client is needed.
    app = buildWebServer({
      db,
      temporal: {} as Client,
      taskQueue: 'unused',
      assets: new LocalAssetStore({ rootDir: mkdtempSync(path.join(tmpdir(), 'insights-')), publicUrl: 'http://localhost:3000' }),
      reviewers: [
        { reviewer: 'ana', token: TOKENS.ana },
        { reviewer: 'bo', token: TOKENS.bo, projects: [THEIRS] },
      ],
    });
    // Scene 1: a food video of our project; scene 2: a nature video of theirs.
    await activities.saveScene(sceneRequest({ id: 1, projectId: OURS, contentType: 'food' }));
    await activities.saveScene({ scene: { ...sceneRequest().scene, id: 2, projectId: THEIRS, contentType: 'nature' } });
    let round = 0;
    const record = (sceneId: number, projectId: number, extra: Partial<RegenerationAttempt>) =>
      activities.recordAttempt({ workflowId: `w-${sceneId}`, runId: 'r', sceneId, projectId, attempt: attempt(++round, 1, 50, extra) });
    // kling on food video: 4 attempts, 3 judged, 2 passed, $0.40 each, gains 30, 25, 5.
    await record(1, OURS, { provider: 'kling', scoreBefore: 40, scoreAfter: 70, result: 'success', costUsd: 0.4 });
    await record(1, OURS, { provider: 'kling', scoreBefore: 50, scoreAfter: 75, result: 'success', costUsd: 0.4 });
    await record(1, OURS, { provider: 'kling', scoreBefore: 50, scoreAfter: 55, result: 'failed', costUsd: 0.4 });
    await record(1, OURS, { provider: 'kling', result: 'failed', scoreAfter: 0, analysisResult: undefined, costUsd: 0.4, failure: { type: 'unavailable', message: '503' } });
    // hailuo on their nature video: 1 judged, failed.
    await record(2, THEIRS, { provider: 'hailuo', scoreBefore: 50, scoreAfter: 52, result: 'failed', costUsd: 0.3 });

    // Queue entries whose best is attempt 2, decided as given.
    const decide = async (sceneId: number, projectId: number, entryRound: number, decision: UserDecision) => {
      const key = { workflowId: `q-${sceneId}`, runId: 'r', round: entryRound };
      await activities.escalateToReview({
        ...key,
        sceneId,
        projectId,
        sceneIndex: 3,
        reason: 'auto_regeneration_failed',
        bestScore: 60,
        bestAttemptNumber: 2,
        attempts: [attempt(entryRound, 1, 50), attempt(entryRound, 2, 60)],
        escalatedAt: new Date(Date.UTC(2025, 0, 1, entryRound)).toISOString(),
      });
      await activities.closeReviewEntry({ ...key, decision, decidedAt: new Date(Date.UTC(2025, 0, 2, entryRound)).toISOString() });
    };
    await decide(1, OURS, 1, { action: 'approve', reviewer: 'ana' });
    await decide(1, OURS, 2, { action: 'approve', attemptNumber: 1, reviewer: 'ana' });
    await decide(1, OURS, 3, { action: 'reject', reviewer: 'ana' });
    await decide(2, THEIRS, 1, { action: 'approve', attemptNumber: 2, reviewer: 'bo' });
  });

  after(async () => {
    await app?.close();
  });

  const get = (url: string, token: string | null = TOKENS.ana) =>
    app.inject({ method: 'GET', url, headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  it('answers per provider, content type and kind, with the judge–human agreement', async () => {
    const response = await get('/api/insights');
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json<InsightsResponse>(), {
      providers: [
        { provider: 'kling', contentType: 'food', kind: 'video', attempts: 4, judgedAttempts: 3, passRate: 0.6667, meanGain: 20, costPerPassedUsd: 0.8 },
        { provider: 'hailuo', contentType: 'nature', kind: 'video', attempts: 1, judgedAttempts: 1, passRate: 0, meanGain: 2, costPerPassedUsd: null },
      ],
      // Approvals by a reviewer: a plain approve and bo's approval of the best agree; approving attempt 1 does not.
      agreement: { decided: 3, approvedJudgesBest: 2, rate: 0.6667 },
      // People's verdicts: food's approves of 60 and 50 and reject of 60 fit no rising curve;
      // the judge had failed all of them, so it agreed with the reject only.
      calibration: [
        {
          contentType: 'food',
          verdicts: 3,
          accepted: 2,
          calibratedBar: null,
          curve: null,
          agreement: { count: 1, of: 3, rate: 0.3333, low: 0.0615, high: 0.7923 },
          byScore: [
            { score: 50, verdicts: 1, accepted: 1 },
            { score: 60, verdicts: 2, accepted: 1 },
          ],
        },
        {
          contentType: 'nature',
          verdicts: 1,
          accepted: 1,
          calibratedBar: null,
          curve: null,
          agreement: { count: 0, of: 1, rate: 0, low: 0, high: 0.7935 },
          byScore: [{ score: 60, verdicts: 1, accepted: 1 }],
        },
      ],
    });
  });

  it('narrows to one project when asked', async () => {
    const ours = (await get(`/api/insights?projectId=${OURS}`)).json<InsightsResponse>();
    assert.deepEqual(ours.providers.map((p) => p.provider), ['kling']);
    assert.deepEqual(ours.agreement, { decided: 2, approvedJudgesBest: 1, rate: 0.5 });
    const none = (await get('/api/insights?projectId=999')).json<InsightsResponse>();
    assert.deepEqual(ours.calibration.map((c) => c.contentType), ['food']);
    assert.deepEqual(none, { providers: [], agreement: { decided: 0, approvedJudgesBest: 0, rate: null }, calibration: [] });
  });

  it('a token scoped to projects sees only theirs, and 404 for another project', async () => {
    const scoped = await get('/api/insights', TOKENS.bo);
    assert.equal(scoped.statusCode, 200);
    const body = scoped.json<InsightsResponse>();
    assert.deepEqual(body.providers.map((p) => [p.provider, p.contentType]), [['hailuo', 'nature']]);
    assert.deepEqual(body.agreement, { decided: 1, approvedJudgesBest: 1, rate: 1 });
    assert.deepEqual(body.calibration.map((c) => c.contentType), ['nature']);
    assert.equal((await get(`/api/insights?projectId=${THEIRS}`, TOKENS.bo)).statusCode, 200);
    const elsewhere = await get(`/api/insights?projectId=${OURS}`, TOKENS.bo);
    assert.equal(elsewhere.statusCode, 404);
    assert.match(elsewhere.json<{ error: string }>().error, /Project 7 not found/);
  });

  it('needs a token and a well-formed project id', async () => {
    assert.equal((await get('/api/insights', null)).statusCode, 401);
    const bad = await get('/api/insights?projectId=seven');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json<{ error: string }>().error, /query\.projectId/);
  });
});
