import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { APIConnectionError, APIConnectionTimeoutError, APIError, RateLimitError } from '@runwayml/sdk';
import { ApiError, ValidationError } from '@fal-ai/client';
import {
  classifyProviderError,
  missingKeyFailure,
  taskFailure,
  unsupportedKindFailure,
} from '../../src/providers/classify-failure';
import { parseRetryAfter } from '../../src/domain/failures';
import { ProviderHttpError, ProviderNetworkError, ProviderResponseError } from '../../src/providers/http-errors';

function runwayError(status: number, body: object, headers: Record<string, string> = {}): Error {
  return APIError.generate(status, body, undefined, new Headers(headers));
}

describe('classifyProviderError', () => {
  it('turns 429 into a retryable unavailable failure that waits as long as retry-after asks', () => {
    const failure = classifyProviderError('kling', 'submit', new ProviderHttpError(429, { message: 'slow down' }, 7000));
    assert.equal(failure.type, 'unavailable');
    assert.equal(failure.nonRetryable, false);
    assert.equal(failure.nextRetryDelay, 7000);
    assert.match(failure.message, /kling submit: HTTP 429: slow down/);
  });

  it('reads retry-after from the Runway SDK error headers', () => {
    const error = runwayError(429, { error: 'Too many requests' }, { 'retry-after': '3' });
    assert.ok(error instanceof RateLimitError);
    const failure = classifyProviderError('runway', 'submit', error);
    assert.equal(failure.type, 'unavailable');
    assert.equal(failure.nextRetryDelay, 3000);
  });

  it('caps an absurd retry-after at ten minutes', () => {
    const failure = classifyProviderError('luma', 'poll', new ProviderHttpError(503, 'busy', 86_400_000));
    assert.equal(failure.nextRetryDelay, 600_000);
  });

  it('treats 5xx, connection errors and timeouts as unavailable', () => {
    for (const error of [
      runwayError(502, { error: 'bad gateway' }),
      new ProviderHttpError(500, undefined, undefined),
      new APIConnectionError({ message: 'Connection error.' }),
      new APIConnectionTimeoutError(),
      new ProviderNetworkError('no answer within 100 ms', 'TimeoutError'),
      new TypeError('fetch failed'),
    ]) {
      const failure = classifyProviderError('runway', 'poll', error);
      assert.equal(failure.type, 'unavailable', String(error));
      assert.equal(failure.nonRetryable, false);
      assert.equal(failure.nextRetryDelay, undefined);
    }
  });

  it('treats 401, 402 and 403 as auth, and an out-of-credit 400 as auth too', () => {
    for (const status of [401, 402, 403]) {
      const failure = classifyProviderError('hailuo', 'submit', new ProviderHttpError(status, { message: 'no' }, undefined));
      assert.equal(failure.type, 'auth');
      assert.equal(failure.nonRetryable, true);
    }
    const credits = runwayError(400, { error: 'You do not have enough credits to run this task.' });
    assert.equal(classifyProviderError('runway', 'submit', credits).type, 'auth');
  });

  it('treats validation errors as bad_request, never as a refusal', () => {
    const runway = runwayError(400, { error: 'Validation of body failed', issues: [{ path: ['ratio'], message: 'Invalid' }] });
    const failure = classifyProviderError('runway', 'submit', runway);
    assert.equal(failure.type, 'bad_request');
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /Validation of body failed/);
    const fal = new ValidationError({ message: 'Unprocessable', status: 422, body: { detail: [{ loc: ['body', 'enable_safety_checker'], msg: 'bad', type: 'type_error' }] } });
    assert.equal(classifyProviderError('falai', 'submit', fal).type, 'bad_request');
  });

  it("recognises fal's content_policy_violation and moderation wording as content_refused", () => {
    const fal = new ValidationError({
      message: 'Unprocessable',
      status: 422,
      body: { detail: [{ loc: ['body', 'prompt'], msg: 'flagged', type: 'content_policy_violation' }] },
    });
    const failure = classifyProviderError('falai', 'poll', fal);
    assert.equal(failure.type, 'content_refused');
    assert.equal(failure.nonRetryable, true);
    const plain = new ApiError({ message: 'x', status: 400, body: { detail: 'Prompt rejected by content moderation' } });
    assert.equal(classifyProviderError('falai', 'submit', plain).type, 'content_refused');
  });

  it('does not resubmit after an unreadable accept, but polls again after an unreadable status', () => {
    const submit = classifyProviderError('kling', 'submit', new ProviderResponseError('no task id'));
    assert.equal(submit.type, 'generation_failed');
    assert.equal(submit.nonRetryable, true);
    const poll = classifyProviderError('kling', 'poll', new ProviderResponseError('no status'));
    assert.equal(poll.type, 'unavailable');
  });

  it('passes an ApplicationFailure through unchanged', () => {
    const original = ApplicationFailure.create({ type: 'auth', message: 'x', nonRetryable: true });
    assert.equal(classifyProviderError('flux', 'submit', original), original);
  });

  it('never repeats a key that a provider echoed', () => {
    const echoed = new ProviderHttpError(401, { message: 'bad header Authorization: Key abcdef0123456789:secretsecret and Bearer key_0123456789abcdef0123' }, undefined);
    const failure = classifyProviderError('falai', 'submit', echoed);
    assert.doesNotMatch(failure.message, /abcdef0123456789|secretsecret|key_0123456789abcdef/);
    assert.match(failure.message, /\[redacted\]/);
  });

  it('records provider, operation and status in the details', () => {
    const failure = classifyProviderError('luma', 'submit', new ProviderHttpError(500, 'oops', 1500));
    assert.deepEqual(failure.details, [{ provider: 'luma', operation: 'submit', httpStatus: 500, retryAfterMs: 1500 }]);
  });
});

describe('task, key and kind failures', () => {
  it('makes a refused task content_refused and any other failed task generation_failed, both final', () => {
    const refused = taskFailure('runway', 'SAFETY.INPUT.TEXT: flagged', true);
    assert.equal(refused.type, 'content_refused');
    assert.equal(refused.nonRetryable, true);
    const failed = taskFailure('kling', 'render node crashed', false);
    assert.equal(failed.type, 'generation_failed');
    assert.equal(failed.nonRetryable, true);
  });

  it('makes a task the provider failed in its own service (Runway INPUT_PREPROCESSING.INTERNAL) unavailable: its fault, not the content\'s', () => {
    const fault = taskFailure('runway', 'INPUT_PREPROCESSING.INTERNAL: moderation down', false, true);
    assert.equal(fault.type, 'unavailable');
    assert.match(fault.message, /failed in its own service/);
  });

  it('names the variable to set when a key is missing', () => {
    const failure = missingKeyFailure('runway', 'RUNWAYML_API_SECRET');
    assert.equal(failure.type, 'auth');
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /RUNWAYML_API_SECRET/);
  });

  it('refuses a video-only model an image scene as a bad request', () => {
    const failure = unsupportedKindFailure('kling', 'image');
    assert.equal(failure.type, 'bad_request');
    assert.match(failure.message, /kling makes video only/);
  });
});

describe('parseRetryAfter', () => {
  it('reads milliseconds, seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter(new Headers({ 'retry-after-ms': '250' })), 250);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': '2' })), 2000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now), 5000);
    assert.equal(parseRetryAfter(new Headers({})), undefined);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'soon' })), undefined);
  });
});
