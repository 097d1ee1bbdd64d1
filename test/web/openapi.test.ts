import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { enqueueDeliveries } from '../../src/db/notification-outbox';
import { saveScene } from '../../src/db/scene-writes';
import { decisionEvent, deliveryBody, escalationEvents, roundEndedEvent } from '../../src/notifications/events';
import { parseWebhookTargets } from '../../src/notifications/targets';
import type { ReviewEntryView } from '../../src/domain/http-api';
import type { PipelineScene } from '../../src/domain/scene';
import { API_SCHEMAS_FILE, generateApiSchemas } from '../../src/web/openapi/generate-schemas';
import { startFaultStack, type FaultStack } from '../helpers/fault-stack';
import { uniqueSceneId } from '../helpers/scenes';
import { waitUntilAsync } from '../helpers/wait-async';

/**
 * CONTRACT.md "HTTP API": every route of its table, as `METHOD /path`. The test reads the table
 * itself as well when ../shared/CONTRACT.md is beside the repository, so the two cannot drift.
 */
const CONTRACT_ROUTES = [
  'POST /api/scenes/{id}/regenerate',
  'GET /api/scenes/{id}',
  'GET /api/scenes/{id}/regeneration',
  'GET /api/review-queue',
  'POST /api/review-queue/{entryId}/decision',
  'POST /api/scenes/{id}/regeneration/cancel',
  'GET /api/scenes',
  'GET /api/openapi.json',
  'GET /api/insights',
];
const CONTRACT_FILE = path.resolve(__dirname, '../../../shared/CONTRACT.md');

type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
  webhooks: Record<string, { post: { requestBody: { content: Record<string, { schema: object }> } } }>;
};

/** An answer as the test keeps it: its status and its body as sent. */
interface Answer {
  statusCode: number;
  body: string;
}

/** Validates answers against the document's own schemas, as a client generated from it would. */
function validatorFor(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(document, 'openapi.json');
  const pointer = (...segments: string[]) =>
    `openapi.json#/${segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;
  return {
    answer(method: string, route: string, response: Answer): string[] {
      const status = String(response.statusCode);
      const declared = document.paths[route]?.[method.toLowerCase()]?.responses[status];
      assert.ok(declared, `${method} ${route} declares no ${status} answer (${response.body.slice(0, 200)})`);
      const validate = ajv.getSchema(pointer('paths', route, method.toLowerCase(), 'responses', status, 'content', 'application/json', 'schema'));
      assert.ok(validate, `${method} ${route} ${status}: no schema`);
      const body: unknown = JSON.parse(response.body);
      return validate(body) ? [] : (validate.errors ?? []).map((e) => `${method} ${route} ${status}: ${e.instancePath} ${e.message}`);
    },
    webhook(event: string, body: unknown): string[] {
      const validate = ajv.getSchema(pointer('webhooks', event, 'post', 'requestBody', 'content', 'application/json', 'schema'))!;
      return validate(body) ? [] : (validate.errors ?? []).map((e) => `${event}: ${e.instancePath} ${e.message}`);
    },
  };
}

describe('GET /api/openapi.json: the API describes itself', function () {
  this.timeout(180_000);
  let faults: FaultStack;

  before(async function () {
    this.timeout(240_000);
    faults = await startFaultStack();
  });
  after(async function () {
    this.timeout(60_000);
    await faults?.stop();
  });

  /** The real web server over HTTP, as a client of the document would call it. */
  async function request(method: 'GET' | 'POST', url: string, payload?: object, token: string | null = faults.stack.token): Promise<Answer> {
    const response = await fetch(`${faults.stack.webUrl}${url}`, {
      method,
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(payload ? { 'content-type': 'application/json' } : {}) },
      body: payload ? JSON.stringify(payload) : undefined,
    });
    return { statusCode: response.status, body: await response.text() };
  }

  async function openApiDocument(): Promise<OpenApiDocument> {
    const response = await request('GET', '/api/openapi.json');
    assert.equal(response.statusCode, 200);
    return JSON.parse(response.body) as OpenApiDocument;
  }

  /** A scene as the pipeline stores it; `score` also gives it a first asset and its analysis. */
  async function seedScene(visualDirection: string, score?: number): Promise<PipelineScene> {
    const scene: PipelineScene = {
      id: uniqueSceneId(),
      projectId: 31,
      sceneIndex: 4,
      sceneType: 'b-roll',
      contentType: 'food',
      narration: 'Fresh bread out of the oven.',
      visualDirection,
      duration: 0,
      provider: 'flux',
    };
    await saveScene(faults.db.kysely, {
      scene,
      project: { id: 31, name: 'Bakery' },
      ...(score === undefined
        ? {}
        : {
            current: {
              assetUrl: `http://assets.test/assets/first-${scene.id}.png`,
              analysis: { overallScore: score, recommendation: 'regenerate', issues: [{ category: 'technical', severity: 'medium', description: 'soft focus' }] },
            },
          }),
    });
    return scene;
  }

  it('its schemas are current: api-schemas.json is what the TypeScript types generate (npm run openapi:schemas)', () => {
    const committed = JSON.parse(readFileSync(API_SCHEMAS_FILE, 'utf8')) as unknown;
    assert.deepEqual(committed, generateApiSchemas());
  });

  it('lists every route of CONTRACT’s table, and every outgoing webhook', async () => {
    if (existsSync(CONTRACT_FILE)) {
      const table = readFileSync(CONTRACT_FILE, 'utf8').split('## HTTP API')[1].split('\n## ')[0];
      const listed = [...table.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) ([^`?]+)/gm)].map(
        ([, method, route]) => `${method} ${route.trim().replace(/:(\w+)/g, '{$1}')}`,
      );
      assert.deepEqual([...listed].sort(), [...CONTRACT_ROUTES].sort(), 'the routes of CONTRACT.md');
    }
    const document = await openApiDocument();
    assert.equal(document.openapi, '3.1.0');
    const documented = Object.entries(document.paths).flatMap(([route, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`),
    );
    assert.deepEqual([...documented].sort(), [...CONTRACT_ROUTES].sort());
    assert.deepEqual(Object.keys(document.webhooks).sort(), ['audit.requested', 'review.reminder', 'round.ended', 'scene.decided', 'scene.escalated']);
    const unauthenticated = await request('GET', '/api/openapi.json', undefined, null);
    assert.equal(unauthenticated.statusCode, 401, 'behind the token like every /api route');
  });

  it('recorded answers of every route, 2xx and 4xx, validate against the route’s own schema', async () => {
    const validator = validatorFor(await openApiDocument());
    const problems: string[] = [];
    const seen = new Set<string>();
    const answers: { route: string; response: Answer }[] = [];
    const call = async (method: 'GET' | 'POST', route: string, url: string, payload?: object, token?: null) => {
      const response = await request(method, url, payload, token);
      problems.push(...validator.answer(method, route, response));
      answers.push({ route, response });
      seen.add(`${method} ${route} ${response.statusCode}`);
      return response;
    };

    // A scene whose manual round escalates (scores clear of the bar and of each other), with
    // outgoing webhooks recorded for it.
    const match = `openapi loaf ${Date.now()}`;
    faults.simulator.setScenarios([{ match, scores: [45, 55, 62] }]);
    const scene = await seedScene(`A loaf of sourdough, ${match}`, 40);
    const fresh = await seedScene('A loaf nobody judged yet');
    await call('POST', '/api/scenes/{id}/regenerate', `/api/scenes/${fresh.id}/regenerate`);
    await call('POST', '/api/scenes/{id}/regenerate', `/api/scenes/${scene.id}/regenerate`, { provider: 'nope' });
    await call('POST', '/api/scenes/{id}/regenerate', `/api/scenes/${scene.id}/regenerate`);
    await call('POST', '/api/scenes/{id}/regenerate', `/api/scenes/${scene.id}/regenerate`);
    await call('POST', '/api/scenes/{id}/regenerate', '/api/scenes/999999999/regenerate');
    let entry: ReviewEntryView | undefined;
    await waitUntilAsync(
      async () => {
        const page = JSON.parse((await request('GET', '/api/review-queue?status=pending')).body) as { items: ReviewEntryView[] };
        entry = page.items.find((e) => e.sceneId === scene.id);
        return entry !== undefined;
      },
      120_000,
      'the scene in the review queue',
    );
    await recordDeliveries(faults, scene.id, entry!.id);

    await call('GET', '/api/scenes/{id}', `/api/scenes/${scene.id}`);
    await call('GET', '/api/scenes/{id}', '/api/scenes/0');
    await call('GET', '/api/scenes/{id}', '/api/scenes/999999999');
    await call('GET', '/api/scenes/{id}', `/api/scenes/${scene.id}`, undefined, null);
    await call('GET', '/api/scenes/{id}/regeneration', `/api/scenes/${scene.id}/regeneration`);
    await call('GET', '/api/scenes/{id}/regeneration', `/api/scenes/${fresh.id}/regeneration`);
    await call('GET', '/api/review-queue', '/api/review-queue?status=pending&limit=1');
    await call('GET', '/api/review-queue', '/api/review-queue?status=all&limit=1');
    await call('GET', '/api/review-queue', '/api/review-queue?status=nope');
    await call('GET', '/api/scenes', '/api/scenes?limit=1');
    await call('GET', '/api/scenes', '/api/scenes?status=nope');
    await call('GET', '/api/insights', '/api/insights');
    await call('GET', '/api/insights', '/api/insights?projectId=x');
    await call('GET', '/api/openapi.json', '/api/openapi.json');
    await call('POST', '/api/review-queue/{entryId}/decision', `/api/review-queue/${entry!.id}/decision`, { action: 'approve', attemptNumber: 9 });
    await call('POST', '/api/review-queue/{entryId}/decision', '/api/review-queue/999999/decision', { action: 'reject' });
    await call('POST', '/api/review-queue/{entryId}/decision', `/api/review-queue/${entry!.id}/decision`, { action: 'approve', attemptNumber: 2 });
    await call('POST', '/api/review-queue/{entryId}/decision', `/api/review-queue/${entry!.id}/decision`, { action: 'reject' });
    await call('POST', '/api/scenes/{id}/regeneration/cancel', `/api/scenes/${fresh.id}/regeneration/cancel`);
    await call('POST', '/api/scenes/{id}/regeneration/cancel', '/api/scenes/999999999/regeneration/cancel');
    // A round to cancel: once the decided round has ended, a new one is started and cancelled.
    await waitUntilAsync(
      async () => (JSON.parse((await request('GET', `/api/scenes/${scene.id}`)).body) as { status: string }).status === 'approved',
      60_000,
      'the approval carried out',
    );
    await call('POST', '/api/scenes/{id}/regenerate', `/api/scenes/${scene.id}/regenerate`, { customPrompt: 'A loaf in warm light' });
    await call('POST', '/api/scenes/{id}/regeneration/cancel', `/api/scenes/${scene.id}/regeneration/cancel`);
    await call('GET', '/api/scenes/{id}', `/api/scenes/${scene.id}`);

    assert.deepEqual(problems, []);
    const covered = new Set([...seen].map((s) => s.split(' ').slice(0, 2).join(' ')));
    assert.deepEqual([...covered].sort(), [...CONTRACT_ROUTES].sort(), 'an answer of every route was checked');
    for (const expected of ['202', '400', '404', '409']) {
      assert.ok([...seen].some((s) => s.endsWith(` ${expected}`)), `a ${expected} answer was checked`);
    }
    assert.ok(seen.has('GET /api/scenes/{id} 401'));
    // The check bites: a scene answer with a field its type does not have, or a notification
    // with an unknown status, fails it.
    const sceneAnswer = answers.find((a) => a.route === '/api/scenes/{id}' && a.response.statusCode === 200)!.response;
    const answered = JSON.parse(sceneAnswer.body) as { notifications: { status: string }[] };
    assert.equal(answered.notifications.length, 4, 'escalation to two receivers, and the reminder to each');
    const bent = (changed: object) => validator.answer('GET', '/api/scenes/{id}', { statusCode: 200, body: JSON.stringify(changed) });
    assert.notDeepEqual(bent({ ...answered, surprise: 1 }), []);
    assert.notDeepEqual(bent({ ...answered, notifications: [{ ...answered.notifications[0], status: 'lost' }] }), []);
  });

  it('the webhooks’ schemas take the bodies the product sends', async () => {
    const validator = validatorFor(await openApiDocument());
    const escalation = { entryId: 3, sceneId: 42, projectId: 7, bestScore: 58, escalatedAt: '2026-12-01T10:00:00.000Z', reminderOffsetsMs: [3_600_000], publicUrl: 'https://x.example' };
    const drafts = [
      ...escalationEvents({ ...escalation, reason: 'budget_exhausted', reviewTimeout: '72h' }),
      ...escalationEvents({ ...escalation, reason: 'audit' }),
      decisionEvent({ entryId: 3, sceneId: 42, projectId: 7, decidedAt: '2026-12-01T11:00:00.000Z', decision: { action: 'approve', attemptNumber: 2, reviewer: 'ana' } }),
      roundEndedEvent({ workflowId: 'w', runId: 'r', sceneId: 42, projectId: 7, outcome: 'approved', finalScore: 61, costUsd: 0.4, endedAt: '2026-12-01T11:00:01.000Z' }),
    ];
    assert.deepEqual(drafts.map((d) => d.type), ['scene.escalated', 'review.reminder', 'audit.requested', 'scene.decided', 'round.ended']);
    const problems = drafts.flatMap((draft) => validator.webhook(draft.type, JSON.parse(deliveryBody(draft, 'notify-x'))));
    assert.deepEqual(problems, []);
    // And a body of the wrong event does not pass as another.
    assert.notDeepEqual(validator.webhook('round.ended', JSON.parse(deliveryBody(drafts[0], 'notify-x'))), []);
  });
});

/** Deliveries as the worker records them, so the scene's answer carries every field of one. */
async function recordDeliveries(faults: FaultStack, sceneId: number, entryId: number): Promise<void> {
  const targets = parseWebhookTargets('https://a.example/hook https://b.example/slack?format=slack', { production: true });
  const drafts = escalationEvents({
    entryId,
    sceneId,
    projectId: 31,
    reason: 'auto_regeneration_failed',
    bestScore: 52,
    escalatedAt: new Date().toISOString(),
    reviewTimeout: '72h',
    reminderOffsetsMs: [3_600_000],
    publicUrl: 'https://x.example',
  });
  await enqueueDeliveries(faults.db.kysely, targets, drafts);
  await faults.db.kysely
    .updateTable('notification_deliveries')
    .set({ status: 'delivered', attempts: 2, last_answer_status: 200, last_answer: 'HTTP 200: ok', last_attempt_at: new Date(), ended_at: new Date() })
    .where('scene_id', '=', sceneId)
    .where('event', '=', 'scene.escalated')
    .execute();
}
