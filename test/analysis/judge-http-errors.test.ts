import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { judgeWithClaude } from '../../src/analysis/claude-judge';
import type { JudgeRequestInput } from '../../src/analysis/judge-prompt';
import { FailureType } from '../../src/domain/failures';
import { expectFailure, scene } from './judge-test-kit';

/** Statuses the simulator does not script, answered by a bare server in Anthropic's error envelope. */
describe('Claude HTTP errors the simulator does not script', function () {
  let server: http.Server;
  let client: Anthropic;
  let answer: { status: number; type: string; headers?: Record<string, string> };
  let hits = 0;

  const input: JudgeRequestInput = {
    scene: scene(),
    prompt: 'A kettle',
    minScoreToPass: 70,
    media: { kind: 'image', width: 1024, height: 576 },
    images: [],
  };

  before(async () => {
    server = http.createServer((request, response) => {
      hits += 1;
      request.resume();
      request.on('end', () => {
        response.writeHead(answer.status, { 'content-type': 'application/json', 'request-id': 'req_test', ...answer.headers });
        response.end(JSON.stringify({ type: 'error', error: { type: answer.type, message: 'scripted' }, request_id: 'req_test' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new Anthropic({ apiKey: 'test-api-key', baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 });
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    hits = 0;
  });

  const cases = [
    { status: 401, type: 'authentication_error', failure: FailureType.auth },
    { status: 403, type: 'permission_error', failure: FailureType.auth },
    { status: 402, type: 'billing_error', failure: FailureType.auth },
    { status: 400, type: 'invalid_request_error', failure: FailureType.badRequest },
    { status: 413, type: 'request_too_large', failure: FailureType.badRequest },
  ];
  for (const { status, type, failure } of cases) {
    it(`maps ${status} ${type} to a non-retryable ${failure}`, async () => {
      answer = { status, type };
      const error = await expectFailure(judgeWithClaude({ client, model: 'claude-sonnet-4-6' }, input), failure);
      assert.equal(error.nonRetryable, true);
      assert.match(error.message, new RegExp(`HTTP ${status} ${type}`));
      assert.equal(hits, 1);
    });
  }

  it('honours retry-after-ms and caps a far-off retry-after', async () => {
    answer = { status: 529, type: 'overloaded_error', headers: { 'retry-after-ms': '2500' } };
    const soon = await expectFailure(judgeWithClaude({ client, model: 'm' }, input), FailureType.unavailable);
    assert.equal(soon.nextRetryDelay, 2500);
    answer = { status: 429, type: 'rate_limit_error', headers: { 'retry-after': '86400' } };
    const late = await expectFailure(judgeWithClaude({ client, model: 'm' }, input), FailureType.unavailable);
    assert.equal(late.nextRetryDelay, 10 * 60 * 1000);
  });

  it('treats an unreachable API as unavailable', async () => {
    const closed = new Anthropic({ apiKey: 'k', baseURL: 'http://127.0.0.1:1', maxRetries: 0 });
    const error = await expectFailure(judgeWithClaude({ client: closed, model: 'm' }, input), FailureType.unavailable);
    assert.equal(error.nonRetryable, false);
  });
});
