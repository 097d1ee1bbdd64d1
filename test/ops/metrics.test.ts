import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { roundWrites } from '../db/round-writes';
import type { RoundWrites } from '../db/round-writes';
import { countGenerationCost } from '../../src/observability/metrics';
import { startMetricsServer, type MetricsServer } from '../../src/observability/metrics-server';
import { attempt, PROJECT_ID, SCENE_ID, sceneRequest, WORKFLOW_ID } from '../db/fixtures';
import { emptyTables, testDatabase } from '../db/test-databases';
import { metricValue, parseExposition } from './metric-values';

describe('product metrics', function () {
  this.timeout(30_000);
  let activities: RoundWrites;

  before(async () => {
    const { db } = await testDatabase('postgres');
    await emptyTables(db);
    activities = roundWrites(db);
    await activities.saveScene(sceneRequest());
  });

  it('counts an attempt once when a retried recordAttempt finds its row already written', async () => {
    const recorded = attempt(1, 2, 74, { provider: 'runway', result: 'success', costUsd: 0.25 });
    const request = { workflowId: WORKFLOW_ID, runId: 'metrics-run', sceneId: SCENE_ID, projectId: PROJECT_ID, attempt: recorded };
    const byProvider = { provider: 'runway', result: 'success' };
    const byNumber = { attempt_number: '2', result: 'success' };
    const before = {
      provider: await metricValue('scene_regeneration_attempts_total', byProvider),
      number: await metricValue('scene_regeneration_attempt_results_total', byNumber),
      cost: await metricValue('scene_regeneration_attempt_cost_usd_total', { provider: 'runway' }),
      scores: await metricValue('scene_regeneration_attempt_score', { provider: 'runway' }),
    };

    await activities.recordAttempt(request);
    await activities.recordAttempt(request);

    assert.equal(await metricValue('scene_regeneration_attempts_total', byProvider), before.provider + 1);
    assert.equal(await metricValue('scene_regeneration_attempt_results_total', byNumber), before.number + 1);
    assert.equal(await metricValue('scene_regeneration_attempt_cost_usd_total', { provider: 'runway' }), before.cost + 0.25);
    assert.equal(await metricValue('scene_regeneration_attempt_score', { provider: 'runway' }), before.scores + 1);
  });

  it('counts a failed attempt by its failure type, without a score', async () => {
    const failed = attempt(1, 1, 0, {
      provider: 'kling',
      result: 'failed',
      analysisResult: undefined,
      failure: { type: 'provider_refused', message: 'moderation' },
    });
    const before = await metricValue('scene_regeneration_attempt_failures_total', { provider: 'kling', type: 'provider_refused' });
    const scoresBefore = await metricValue('scene_regeneration_attempt_score', { provider: 'kling' });
    await activities.recordAttempt({ workflowId: WORKFLOW_ID, runId: 'metrics-run', sceneId: SCENE_ID, projectId: PROJECT_ID, attempt: failed });
    assert.equal(
      await metricValue('scene_regeneration_attempt_failures_total', { provider: 'kling', type: 'provider_refused' }),
      before + 1,
    );
    assert.equal(await metricValue('scene_regeneration_attempt_score', { provider: 'kling' }), scoresBefore);
  });

  it('counts one escalation and one decision however often the activities are retried', async () => {
    const escalationsBefore = await metricValue('scene_review_escalations_total');
    const rejectsBefore = await metricValue('scene_review_decisions_total', { action: 'reject' });
    const approvesBefore = await metricValue('scene_review_decisions_total', { action: 'approve' });
    const escalation = {
      workflowId: WORKFLOW_ID,
      runId: 'metrics-run',
      round: 1,
      sceneId: SCENE_ID,
      projectId: PROJECT_ID,
      sceneIndex: 3,
      reason: 'auto_regeneration_failed' as const,
      bestScore: 61,
      attempts: [attempt(1, 1, 61)],
      escalatedAt: '2025-01-01T01:00:00.000Z',
    };
    const first = await activities.escalateToReview(escalation);
    const again = await activities.escalateToReview(escalation);
    assert.deepEqual(again, first, 'the activity still answers with the entry id only');

    const close = { workflowId: WORKFLOW_ID, runId: 'metrics-run', round: 1, decidedAt: '2025-01-01T02:00:00.000Z' };
    await activities.closeReviewEntry({ ...close, decision: { action: 'reject', reviewer: 'ana' } });
    await activities.closeReviewEntry({ ...close, decision: { action: 'reject', reviewer: 'ana' } });
    // A late, different decision changes nothing in the queue, so it is not counted either.
    await activities.closeReviewEntry({ ...close, decision: { action: 'approve', reviewer: 'bo' } });

    assert.equal(await metricValue('scene_review_escalations_total'), escalationsBefore + 1);
    assert.equal(await metricValue('scene_review_decisions_total', { action: 'reject' }), rejectsBefore + 1);
    assert.equal(await metricValue('scene_review_decisions_total', { action: 'approve' }), approvesBefore);
  });

  it('counts a provider task’s cost once even when awaitGeneration finishes it twice', async () => {
    const before = await metricValue('scene_generation_cost_usd_total', { provider: 'luma' });
    countGenerationCost('luma', 'task-metrics-1', 0.2);
    countGenerationCost('luma', 'task-metrics-1', 0.2);
    countGenerationCost('luma', 'task-metrics-2', 0.2);
    assert.equal(Math.round(((await metricValue('scene_generation_cost_usd_total', { provider: 'luma' })) - before) * 1e6), 400_000);
  });
});

describe('metrics endpoint', function () {
  this.timeout(20_000);
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  async function fakeTemporalExporter(body: string): Promise<string> {
    const server: Server = createServer((_request, response) => response.end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise((resolve) => server.close(() => resolve())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  }

  async function start(temporalMetricsUrl?: string): Promise<MetricsServer> {
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, temporalMetricsUrl, temporalTimeoutMs: 1_000 });
    stops.push(() => server.close());
    return server;
  }

  it('serves the product metrics, process metrics and Temporal’s exporter in one scrape', async () => {
    const exporter = await fakeTemporalExporter(
      '# HELP temporal_num_pollers pollers\n# TYPE temporal_num_pollers gauge\ntemporal_num_pollers{poller_type="activity_task"} 5',
    );
    const server = await start(exporter);
    const answer = await fetch(server.url);
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/plain/);
    const samples = parseExposition(await answer.text());
    assert.equal(samples.get('scene_regeneration_attempts_total{provider="hailuo",result="improved"}'), 0);
    assert.ok(samples.has('scene_review_escalations_total'));
    assert.ok(samples.has('scene_analysis_cost_usd_total'));
    assert.ok(samples.has('process_cpu_user_seconds_total'));
    assert.equal(samples.get('temporal_num_pollers{poller_type="activity_task"}'), 5);
  });

  it('still answers with the product metrics when Temporal’s exporter is down, and says why', async () => {
    const exporter = await fakeTemporalExporter('');
    await stops.pop()!(); // the exporter is gone before the first scrape
    const server = await start(exporter);
    const text = await (await fetch(server.url)).text();
    assert.ok(parseExposition(text).has('scene_review_escalations_total'));
    assert.match(text, /^# Temporal metrics unavailable from http:\/\/127\.0\.0\.1:\d+\/metrics: /m);
  });

  it('answers 404 off /metrics and frees its port on close', async () => {
    const server = await start();
    assert.equal((await fetch(server.url.replace('/metrics', '/'))).status, 404);
    await server.close();
    stops.pop();
    await assert.rejects(fetch(server.url));
  });
});
