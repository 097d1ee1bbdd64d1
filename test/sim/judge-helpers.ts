import assert from 'node:assert/strict';
import type Anthropic from '@anthropic-ai/sdk';
import { promptLook } from '../../src/sim/media/prompt-look';
import { renderStillPng } from '../../src/sim/media/render-image';
import { JUDGE_OUTPUT_SCHEMA } from '../../src/analysis/judge-prompt';
import { judgeInputJsonSchema, type JudgeVerdict } from '../../src/analysis/judge-verdict';
import { JUDGE_TOOL_NAME } from '../../src/sim/judge/messages-response';

export const ANTHROPIC_HEADERS = { 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01' };

/** The local defect the edit-judgment tests script: a high-severity box in the middle of the frame. */
export const WARPED_LOGO = { category: 'ai_artifacts' as const, severity: 'high' as const, description: 'The logo on the mug is warped', region: { x: 0.4, y: 0.3, w: 0.2, h: 0.2 } };

/** The issues of a verdict that have a place in the frame. */
export const localIssues = (verdict: JudgeVerdict) => verdict.issues.filter((issue) => issue.region !== undefined);

/** An edit that fixed nothing and damaged something: the missed defect is still there, and the damage is a local issue elsewhere. */
export function assertDamagedElsewhere(after: JudgeVerdict): void {
  const local = localIssues(after);
  assert.equal(local.length, 2, JSON.stringify(local));
  assert.deepEqual(local[0], WARPED_LOGO, 'the missed defect is still there');
  assert.ok(local[1].region!.x >= 0.5 !== WARPED_LOGO.region.x >= 0.5 || local[1].region!.y >= 0.5 !== WARPED_LOGO.region.y >= 0.5, 'the damage is elsewhere');
}

/**
 * Long enough (about 1,200 tokens by the simulator's count) to pass claude-sonnet-4-6's 1,024-token
 * minimum for a cached prefix, as the real judge prompt does.
 */
export const JUDGE_SYSTEM = `You are a strict reviewer of generated video scenes. Score each category from 0 to 100.\n${'Describe each issue in one concrete sentence that names what is wrong and where. '.repeat(58)}`;

/** A frame that looks the way the simulator renders this prompt, as a base64 PNG. */
export async function frameFor(prompt: string, width = 640, height = 360): Promise<string> {
  return (await renderStillPng(promptLook(prompt), width, height)).toString('base64');
}

export interface AnalysisRequestOptions {
  visualDirection: string;
  prompt: string;
  narration?: string;
  contentType?: string;
  frames?: string[];
  /** Another model, or other instructions: another view of the same asset. */
  model?: string;
  system?: string;
  mode?: 'tool' | 'json';
  maxTokens?: number;
}

/** A request shaped like the analysis activity's: cached system, frames, then the scene data. */
export function analysisRequest(options: AnalysisRequestOptions): Record<string, unknown> {
  const sceneText = [
    'Judge this scene against its direction.',
    '<scene>',
    `visual direction: ${options.visualDirection}`,
    `narration: ${options.narration ?? 'A short line of narration.'}`,
    ...(options.contentType === undefined ? [] : [`expected content type: ${options.contentType}`]),
    `prompt: ${options.prompt}`,
    '</scene>',
  ].join('\n');
  const images = (options.frames ?? []).map((data) => ({
    type: 'image',
    source: { type: 'base64', media_type: 'image/png', data },
  }));
  const base = {
    model: options.model ?? 'claude-sonnet-4-6',
    max_tokens: options.maxTokens ?? 2048,
    system: [{ type: 'text', text: options.system ?? JUDGE_SYSTEM, cache_control: { type: 'ephemeral' } }],
    messages: [{ role: 'user', content: [...images, { type: 'text', text: sceneText }] }],
  };
  if (options.mode === 'json') {
    // JSON outputs take the strict subset of JSON Schema, as zodOutputFormat makes it.
    return { ...base, output_config: { format: { type: 'json_schema', schema: JUDGE_OUTPUT_SCHEMA } } };
  }
  return {
    ...base,
    tools: [{ name: JUDGE_TOOL_NAME, description: 'Record the analysis', input_schema: judgeInputJsonSchema }],
    tool_choice: { type: 'tool', name: JUDGE_TOOL_NAME },
  };
}

/** The strict record_preference tool of the pairwise wire format (shared shapes §2). */
export const PREFERENCE_TOOL: Anthropic.Tool = {
  name: 'record_preference',
  description: 'Record which of the two assets serves the scene better.',
  input_schema: {
    type: 'object',
    properties: { preferred: { type: 'string', enum: ['first', 'second', 'tie'] }, reason: { type: 'string' } },
    required: ['preferred', 'reason'],
    additionalProperties: false,
  },
  strict: true,
};

export interface PairwiseRequestOptions {
  sceneText: string;
  /** Base64 PNG frames of the asset shown first, and of the one shown second. */
  first: string[];
  second: string[];
  maxTokens?: number;
}

/** A request shaped like the product's pairwise judgment: scene text, then each asset after its marker. */
export function pairwiseRequest(options: PairwiseRequestOptions): Anthropic.MessageCreateParamsNonStreaming & {
  messages: { role: 'user'; content: Anthropic.ContentBlockParam[] }[];
  tools: Anthropic.Tool[];
} {
  const images = (frames: string[]) =>
    frames.map((data) => ({ type: 'image' as const, source: { type: 'base64' as const, media_type: 'image/png' as const, data } }));
  return {
    model: 'claude-sonnet-4-6',
    max_tokens: options.maxTokens ?? 1024,
    system: [{ type: 'text' as const, text: JUDGE_SYSTEM, cache_control: { type: 'ephemeral' as const } }],
    tools: [PREFERENCE_TOOL],
    tool_choice: { type: 'tool' as const, name: 'record_preference' },
    messages: [
      {
        role: 'user' as const,
        content: [
          { type: 'text' as const, text: options.sceneText },
          { type: 'text' as const, text: 'First asset:' },
          ...images(options.first),
          { type: 'text' as const, text: 'Second asset:' },
          ...images(options.second),
        ],
      },
    ],
  };
}
