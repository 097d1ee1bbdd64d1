import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createAnalysisActivities } from '../../activities/analysis';
import { createClaudeClient } from '../../src/analysis/claude-client';
import { DEFAULT_MODEL_PRICES, type AppConfig } from '../../src/config';
import type { SceneForAnalysis } from '../../src/domain/judging';
import type { AssetRef } from '../../src/domain/asset';
import type { JudgingHistory } from '../../src/domain/judge-view';

/** What the SDK sent: the parsed JSON bodies of every Messages request, in order. */
export interface RecordedRequest {
  system: { type: string; text: string; cache_control?: { type: string } }[];
  tool_choice?: { type: string; name?: string };
  tools?: { name: string; strict?: boolean; input_schema: Record<string, unknown> }[];
  output_config?: { format: { type: string; schema: Record<string, unknown> } };
  thinking?: { type: string };
  max_tokens: number;
  temperature?: number;
  messages: { role: string; content: ContentBlock[] }[];
}

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'image'; source: { type: string; media_type: string; data: string } };

export type JudgeConfig = Pick<AppConfig, 'anthropicModel' | 'modelPrices' | 'keys' | 'simUrl' | 'analysisVideoFrames'>;

/** The judge's settings against the simulator at `simUrl`, sending `frames` frames of a video. */
export function judgeConfig(simUrl: string, frames: number): JudgeConfig {
  return { anthropicModel: 'claude-sonnet-4-6', modelPrices: DEFAULT_MODEL_PRICES, keys: {}, simUrl, analysisVideoFrames: frames };
}

/**
 * The analysis activities as a worker builds them, the real SDK pointed at the simulator, with
 * every request the SDK sends recorded; an asset is read from the path its key names.
 */
export function recordedAnalysisActivities(
  config: JudgeConfig,
  judgingHistory?: (contentType: string) => Promise<JudgingHistory>,
): {
  activities: ReturnType<typeof createAnalysisActivities>;
  requests: RecordedRequest[];
} {
  const recorder = recordingFetch();
  const activities = createAnalysisActivities({
    config,
    anthropic: createClaudeClient(config, recorder.fetch),
    readAsset: async (ref) => ({ path: ref.key, release: async () => undefined }),
    ...(judgingHistory ? { judgingHistory } : {}),
  });
  return { activities, requests: recorder.requests };
}

/** An asset whose store key is its file's path, as recordedAnalysisActivities reads it. */
export function fileAsset(file: string, mediaType: string): AssetRef {
  return { url: `http://localhost/assets/${file.split('/').pop()}`, key: file, sha256: 'test', sizeBytes: 1, mediaType };
}

/** A fetch that records each request body and then makes the real call. */
export function recordingFetch(): { fetch: typeof fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const recorder: typeof fetch = async (input, init) => {
    if (typeof init?.body === 'string') requests.push(JSON.parse(init.body) as RecordedRequest);
    return fetch(input, init);
  };
  return { fetch: recorder, requests };
}

export function imageBlocks(request: RecordedRequest) {
  return request.messages.flatMap((message) => message.content.filter((block) => block.type === 'image'));
}

export function userText(request: RecordedRequest): string {
  return request.messages
    .flatMap((message) => message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])))
    .join('\n');
}

export function scene(overrides: Partial<SceneForAnalysis> = {}): SceneForAnalysis {
  return {
    id: 7,
    sceneType: 'establishing',
    contentType: 'lifestyle',
    narration: 'Mornings start slowly here.',
    visualDirection: 'A sunlit farmhouse kitchen with a kettle on the stove',
    duration: 0,
    aspectRatio: '16:9',
    ...overrides,
  };
}

export async function expectFailure(promise: Promise<unknown>, type: string): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApplicationFailure, `expected ApplicationFailure, got ${String(error)}`);
    assert.equal(error.type, type, error.message);
    return error;
  }
  assert.fail(`expected a ${type} failure`);
}

/** Activities log through their context; tests only want to hear about errors. */
export function quietActivityEnvironment(): MockActivityEnvironment {
  return new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
}
