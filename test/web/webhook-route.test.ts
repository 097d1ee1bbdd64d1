import assert from 'node:assert/strict';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../../src/db/database';
import { callbackToken, callbackUrl, redactCallbackToken } from '../../src/providers/callbacks';
import type { AssetStore } from '../../src/storage/asset-store';
import { buildWebServer } from '../../src/web/server';

const SECRET = 'a-webhook-secret-for-tests';
const WORKFLOW_ID = 'scene-asset-42';

/** The web server with a Temporal client that records signals: the route alone is under test. */
function webServer(options: { unknownWorkflows?: boolean; rateLimit?: { max: number; windowMs: number }; secret?: string } = {}) {
  const signals: { workflowId: string; name: string; args: unknown }[] = [];
  const temporal = {
    workflow: {
      getHandle: (workflowId: string) => ({
        async signal(definition: { name: string }, ...args: unknown[]) {
          if (options.unknownWorkflows) throw new WorkflowNotFoundError('workflow not found', workflowId, undefined);
          signals.push({ workflowId, name: definition.name, args });
        },
      }),
    },
  } as unknown as Client;
  const app = buildWebServer({
    db: {} as Db,
    temporal,
    taskQueue: 'unused',
    // Never read: the callbacks touch no asset.
    assets: {} as AssetStore,
    reviewers: [{ reviewer: 'ana', token: 'token-for-ana-0123456789' }],
    rateLimit: options.rateLimit,
    webhookSecret: 'secret' in options ? options.secret : SECRET,
  });
  return { app, signals };
}

/** The path and query a provider was given, as the activity builds it. */
function callbackPath(provider: 'kling' | 'falai' | 'runway', workflowId = WORKFLOW_ID): string {
  const url = new URL(callbackUrl('https://product.example', SECRET, provider, workflowId));
  return url.pathname + url.search;
}

const piapiBody = (status = 'completed') => ({ timestamp: 1_700_000_000, data: { task_id: 'task-7', status, output: {} } });
const piapiHeaders = (workflowId = WORKFLOW_ID) => ({ 'x-webhook-secret': callbackToken(SECRET, 'kling', workflowId) });

describe('web: POST /webhooks/generation/:provider (provider callbacks)', () => {
  it('PiAPI: a valid token and header signal generationCallback { taskId } to the workflow and answer 200', async () => {
    const { app, signals } = webServer();
    const response = await app.inject({ method: 'POST', url: callbackPath('kling'), headers: piapiHeaders(), payload: piapiBody() });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(signals, [{ workflowId: WORKFLOW_ID, name: 'generationCallback', args: [{ taskId: 'task-7' }] }]);
  });

  it('fal: a valid token signals with the request_id; no header needed', async () => {
    const { app, signals } = webServer();
    const response = await app.inject({
      method: 'POST',
      url: callbackPath('falai'),
      payload: { request_id: 'req-9', gateway_request_id: 'req-9', status: 'OK', payload: { images: [] } },
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(signals.map((s) => s.args), [[{ taskId: 'req-9' }]]);
  });

  it('401 for a missing or wrong token, a token of another workflow or provider, or a wrong PiAPI header', async () => {
    const { app, signals } = webServer();
    const good = callbackPath('kling');
    const otherWorkflow = callbackPath('kling', 'scene-asset-43').replace('scene-asset-43', WORKFLOW_ID);
    const otherProvider = callbackPath('falai').replace('/falai?', '/kling?');
    const noToken = good.replace(/&token=[^&]+/, '');
    const badToken = good.replace(/token=[^&]+/, 'token=AAAA');
    for (const url of [otherWorkflow, otherProvider, noToken, badToken]) {
      const response = await app.inject({ method: 'POST', url, headers: piapiHeaders(), payload: piapiBody() });
      assert.equal(response.statusCode, 401, url);
    }
    const wrongHeader = await app.inject({ method: 'POST', url: good, headers: { 'x-webhook-secret': 'nope' }, payload: piapiBody() });
    assert.equal(wrongHeader.statusCode, 401);
    const noHeader = await app.inject({ method: 'POST', url: good, payload: piapiBody() });
    assert.equal(noHeader.statusCode, 401);
    assert.equal(signals.length, 0);
  });

  it('400 for a body of neither shape, or not JSON', async () => {
    const { app, signals } = webServer();
    const piapi = await app.inject({ method: 'POST', url: callbackPath('kling'), headers: piapiHeaders(), payload: { task_id: 'x' } });
    assert.equal(piapi.statusCode, 400);
    const fal = await app.inject({ method: 'POST', url: callbackPath('falai'), payload: { status: 'OK' } });
    assert.equal(fal.statusCode, 400);
    const notJson = await app.inject({
      method: 'POST',
      url: callbackPath('falai'),
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    assert.equal(notJson.statusCode, 400);
    assert.equal(signals.length, 0);
  });

  it('200 without a signal for a PiAPI task still running, or a workflow that is not running', async () => {
    const running = webServer();
    const progress = await running.app.inject({ method: 'POST', url: callbackPath('kling'), headers: piapiHeaders(), payload: piapiBody('processing') });
    assert.equal(progress.statusCode, 200);
    assert.equal(running.signals.length, 0);

    const gone = webServer({ unknownWorkflows: true });
    const response = await gone.app.inject({ method: 'POST', url: callbackPath('kling'), headers: piapiHeaders(), payload: piapiBody() });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().signalled, false);
  });

  it('404 for a provider without webhooks, and when PROVIDER_WEBHOOKS is off', async () => {
    const { app } = webServer();
    const runway = await app.inject({ method: 'POST', url: callbackPath('runway'), payload: { id: 'x' } });
    assert.equal(runway.statusCode, 404);
    const off = webServer({ secret: undefined });
    const response = await off.app.inject({ method: 'POST', url: callbackPath('falai'), payload: { request_id: 'r', status: 'OK' } });
    assert.equal(response.statusCode, 404);
  });

  it('is not counted against the API rate limit, and needs no reviewer token', async () => {
    const { app, signals } = webServer({ rateLimit: { max: 2, windowMs: 60_000 } });
    for (let call = 0; call < 5; call++) {
      const response = await app.inject({ method: 'POST', url: callbackPath('falai'), payload: { request_id: `r${call}`, status: 'OK' } });
      assert.equal(response.statusCode, 200);
    }
    assert.equal(signals.length, 5);
  });

  it('logs callback URLs without their token', () => {
    const url = callbackPath('kling');
    assert.equal(redactCallbackToken(url), `/webhooks/generation/kling?workflowId=${WORKFLOW_ID}&token=[redacted]`);
    assert.equal(redactCallbackToken('/api/scenes?x=1'), '/api/scenes?x=1');
  });
});
