import assert from 'node:assert/strict';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { InjectOptions } from 'fastify';
import { countRows, getReviewEntry } from '../../src/db/queries';
import type { TableName } from '../../src/db/schema';
import type { RegenerationState } from '../../src/domain/regeneration';
import { getRegenerationStateQuery } from '../../workflows/messages';
import { testEnv } from '../helpers/temporal';
import { workflowBundle } from '../helpers/workflow-bundle';
import { TOKENS, eventually, seedScene, withWebServer, type WebHarness } from './web-harness';
import { regenerationWorkflowId } from '../../src/domain/workflow-ids';

const TABLES: TableName[] = ['projects', 'scenes', 'regeneration_attempts', 'review_queue'];

type Probe = InjectOptions & { label: string; token?: string | null };

/** Malformed requests against real ids: each must be refused before anything changes. */
function probes(sceneId: number, entryId: number): Probe[] {
  const regenerate = `/api/scenes/${sceneId}/regenerate`;
  const decision = `/api/review-queue/${entryId}/decision`;
  const json = (label: string, url: string, payload: unknown): Probe => ({ label, method: 'POST', url, payload: payload as object });
  const raw = (label: string, url: string, body: string, contentType = 'application/json'): Probe => ({
    label,
    method: 'POST',
    url,
    payload: body,
    headers: { 'content-type': contentType },
  });
  const badIds = ['0', '-1', '-2147483648', '1.5', 'abc', '1e3', '0x10', '007', '2147483648', '99999999999999', '%20', 'null'];
  return [
    // Who is asking
    { label: 'no token', method: 'POST', url: regenerate, token: null },
    { label: 'wrong token', method: 'POST', url: regenerate, token: 'not-a-token' },
    { label: 'a valid token with a suffix', method: 'POST', url: regenerate, token: `${TOKENS.ana}x` },
    { label: 'a prefix of a valid token', method: 'POST', url: regenerate, token: TOKENS.ana.slice(0, 10) },
    { label: 'basic auth', method: 'POST', url: regenerate, token: null, headers: { authorization: `Basic ${TOKENS.ana}` } },
    { label: 'empty bearer', method: 'POST', url: regenerate, token: null, headers: { authorization: 'Bearer ' } },
    { label: 'no token on a decision', method: 'POST', url: decision, payload: { action: 'reject' }, token: null },
    { label: 'no token on the queue', method: 'GET', url: '/api/review-queue', token: null },
    { label: 'no token on a scene', method: 'GET', url: `/api/scenes/${sceneId}`, token: null },
    { label: 'no token on a round', method: 'GET', url: `/api/scenes/${sceneId}/regeneration`, token: null },
    // Which scene or entry
    ...badIds.map((id): Probe => ({ label: `regenerate scene id ${id}`, method: 'POST', url: `/api/scenes/${id}/regenerate` })),
    ...badIds.slice(0, 6).map((id): Probe => ({ label: `get scene id ${id}`, method: 'GET', url: `/api/scenes/${id}` })),
    ...badIds.slice(6).map((id): Probe => json(`decision on entry id ${id}`, `/api/review-queue/${id}/decision`, { action: 'reject' })),
    { label: 'a 300-digit id', method: 'POST', url: `/api/scenes/${'9'.repeat(300)}/regenerate` },
    // What to regenerate with
    json('unknown provider', regenerate, { provider: 'dalle' }),
    json('provider of the wrong type', regenerate, { provider: 5 }),
    json('null provider', regenerate, { provider: null }),
    json('prompt of the wrong type', regenerate, { customPrompt: 123 }),
    json('empty prompt', regenerate, { customPrompt: '' }),
    json('blank prompt', regenerate, { customPrompt: '   ' }),
    json('prompt over the limit', regenerate, { customPrompt: 'x'.repeat(4001) }),
    json('unknown field', regenerate, { prompt: 'a typo for customPrompt' }),
    json('array body', regenerate, [{ provider: 'luma' }]),
    raw('JSON string body', regenerate, '"luma"'),
    raw('JSON null body', regenerate, 'null'),
    raw('truncated JSON', regenerate, '{"provider": "luma"'),
    raw('not JSON at all', regenerate, "provider=luma"),
    raw('empty JSON body', regenerate, ''),
    raw('text body', regenerate, 'provider: luma', 'text/plain'),
    json('body over the size limit', regenerate, { customPrompt: 'y'.repeat(100_000) }),
    // What to decide
    json('unknown action', decision, { action: 'maybe' }),
    json('no action', decision, { note: 'looks fine' }),
    json('negative attempt', decision, { action: 'approve', attemptNumber: -1 }),
    json('fractional attempt', decision, { action: 'approve', attemptNumber: 1.5 }),
    json('attempt as a string', decision, { action: 'approve', attemptNumber: '2' }),
    json('attempt not in the entry', decision, { action: 'approve', attemptNumber: 4 }),
    json('huge attempt', decision, { action: 'approve', attemptNumber: 1e12 }),
    json('reviewer in the body', decision, { action: 'approve', reviewer: 'mallory' }),
    json('regenerate with an unknown provider', decision, { action: 'regenerate', provider: 'midjourney' }),
    json('regenerate with a prompt over the limit', decision, { action: 'regenerate', customPrompt: 'z'.repeat(4001) }),
    json('note over the limit', decision, { action: 'reject', note: 'n'.repeat(2001) }),
    json('reject with an attempt', decision, { action: 'reject', attemptNumber: 1 }),
    json('regenerate with a whitespace-only prompt', decision, { action: 'regenerate', customPrompt: ' \n\t ' }),
    json('regenerate with a provider of the wrong type', decision, { action: 'regenerate', provider: ['kling'] }),
    raw('truncated decision', decision, '{"action":"approve"'),
    { label: 'decision without a body', method: 'POST', url: decision },
    // What to list
    { label: 'unknown queue status', method: 'GET', url: '/api/review-queue?status=everything' },
    { label: 'negative project', method: 'GET', url: '/api/review-queue?projectId=-4' },
    { label: 'project that is not a number', method: 'GET', url: '/api/review-queue?projectId=abc' },
    { label: 'zero limit', method: 'GET', url: '/api/review-queue?limit=0' },
    { label: 'limit too large', method: 'GET', url: '/api/review-queue?limit=501' },
    { label: 'status twice', method: 'GET', url: '/api/review-queue?status=pending&status=all' },
    { label: 'no token on the scene list', method: 'GET', url: '/api/scenes', token: null },
    { label: 'a scene cursor never given out', method: 'GET', url: '/api/scenes?cursor=bm9wZQ' },
    { label: 'a queue cursor never given out', method: 'GET', url: '/api/review-queue?cursor=bm9wZQ' },
    { label: 'unknown scene status', method: 'GET', url: '/api/scenes?status=lost' },
    { label: 'scene list limit too large', method: 'GET', url: '/api/scenes?limit=501' },
    // Where assets live
    { label: 'asset path traversal', method: 'GET', url: '/assets/..%2F..%2Fetc%2Fpasswd' },
    { label: 'asset dot segment', method: 'GET', url: '/assets/a/../../package.json' },
    { label: 'hidden asset', method: 'GET', url: '/assets/.env' },
    { label: 'missing asset', method: 'GET', url: '/assets/0123abcd.png' },
    { label: 'unknown api route', method: 'DELETE', url: `/api/scenes/${sceneId}` },
    ...badIds.slice(0, 6).map((id): Probe => ({ label: `cancel scene id ${id}`, method: 'POST', url: `/api/scenes/${id}/regeneration/cancel` })),
  ];
}

async function workflowCount(harness: WebHarness): Promise<number> {
  const { count } = await harness.client.workflow.count("WorkflowType = 'regenerateSceneWorkflow'");
  return count;
}

describe('HTTP API under hostile input', function () {
  this.timeout(90_000);
  before(async function () {
    this.timeout(240_000);
    await Promise.all([testEnv(), workflowBundle()]);
  });

  it('refuses every malformed request with a 4xx JSON error, and nothing changes', async () => {
    await withWebServer(() => 40, async (harness) => {
      // A round waiting for review gives the decision probes a real pending entry and round.
      const waiting = await seedScene(harness.db, { score: 40 });
      assert.equal((await harness.request({ method: 'POST', url: `/api/scenes/${waiting.id}/regenerate` })).statusCode, 202);
      const entries = await eventually(
        () => harness.request({ method: 'GET', url: '/api/review-queue' }).then((r) => r.json<{ items: { id: number; sceneId: number }[] }>().items),
        (list) => list.some((e) => e.sceneId === waiting.id),
      );
      const entryId = entries.find((e) => e.sceneId === waiting.id)!.id;
      const idle = await seedScene(harness.db, { score: 40 });

      const rowsBefore = await Promise.all(TABLES.map((table) => countRows(harness.db, table)));
      const workflowsBefore = await eventually(() => workflowCount(harness), (count) => count > 0);
      const submissionsBefore = harness.calls.submissions.length;

      const sent = [...probes(idle.id, entryId), ...probes(waiting.id, entryId)];
      assert.ok(sent.length >= 100, `${sent.length} probes`);
      for (const { label, token, headers, ...options } of sent) {
        const response =
          token === null ? await harness.app.inject({ ...options, headers }) : await harness.request({ ...options, headers, token });
        assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${label}: ${response.statusCode} ${response.body}`);
        assert.match(String(response.headers['content-type']), /^application\/json/, label);
        const body = response.json<Record<string, unknown>>();
        assert.deepEqual(Object.keys(body), ['error'], label);
        assert.equal(typeof body.error, 'string', label);
        assert.doesNotMatch(String(body.error), /\n\s+at |node_modules|\.ts:\d+/, `${label} leaks a stack: ${String(body.error)}`);
      }

      assert.deepEqual(await Promise.all(TABLES.map((table) => countRows(harness.db, table))), rowsBefore);
      assert.equal((await getReviewEntry(harness.db, entryId))?.status, 'pending');
      await assert.rejects(harness.client.workflow.getHandle(regenerationWorkflowId(idle.id)).describe(), WorkflowNotFoundError);
      const state: RegenerationState = await harness.client.workflow
        .getHandle(regenerationWorkflowId(waiting.id))
        .query(getRegenerationStateQuery);
      assert.equal(state.status, 'awaiting_review');
      assert.equal(state.decision, undefined);
      assert.equal(state.round, 1);
      assert.equal(harness.calls.submissions.length, submissionsBefore);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(await workflowCount(harness), workflowsBefore);
    });
  });
});
