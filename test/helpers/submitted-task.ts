import assert from 'node:assert/strict';
import type { GenerationTask, ProviderBusy } from '../../src/domain/activity-types';

/** The task of a submission that went through; fails the test if the provider was busy. */
export function submittedTask(answer: GenerationTask | ProviderBusy): GenerationTask {
  assert.ok(!('busy' in answer), `expected a submitted task, got ${JSON.stringify(answer)}`);
  return answer;
}
