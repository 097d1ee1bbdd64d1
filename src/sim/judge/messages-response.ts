import { randomBytes } from 'node:crypto';
import type { JudgeVerdict } from '../../analysis/judge-verdict';
import type { ClaudeFault } from '../scenario-rules';
import type { PairwiseAnswer } from './quality-model';
import { jsonOutputRequested, type MessagesRequest } from './messages-request';
import type { CacheUsage } from './prompt-cache';
import type { TokenCount } from './token-count';

/**
 * The tool a client may ask the judge's verdict through instead of a JSON output format: the
 * simulator answers either way, as the real model would.
 */
export const JUDGE_TOOL_NAME = 'record_scene_analysis';

/** How the request asked to be answered. */
export type AnswerMode = { kind: 'tool'; toolName: string } | { kind: 'json' } | { kind: 'text' };

export function answerMode(request: MessagesRequest): AnswerMode {
  const choice = request.tool_choice;
  const tools = request.tools ?? [];
  if (choice?.type === 'tool' && choice.name) return { kind: 'tool', toolName: choice.name };
  if (choice?.type !== 'none') {
    if (tools.some((tool) => tool.name === JUDGE_TOOL_NAME)) return { kind: 'tool', toolName: JUDGE_TOOL_NAME };
    if (choice?.type === 'any' && tools.length > 0) return { kind: 'tool', toolName: tools[0].name };
  }
  return jsonOutputRequested(request) ? { kind: 'json' } : { kind: 'text' };
}

type ContentOut =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'thinking'; thinking: string; signature: string };

/**
 * What a thinking model writes before its answer. Its tokens are billed as output and count
 * against max_tokens (https://platform.claude.com/docs/en/build-with-claude/thinking).
 */
export function thinkingBlock(): ContentOut {
  return {
    type: 'thinking',
    thinking: 'Comparing what the images show with the scene data, category by category, before writing the answer in the requested format.',
    signature: `sim${randomBytes(24).toString('base64')}`,
  };
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'refusal';

/** The faults answered with HTTP 200 and a message that cannot be used. */
export type UnusableAnswer = Extract<ClaudeFault, 'malformed' | 'refuse' | 'truncated'>;

export function verdictContent(mode: AnswerMode, verdict: JudgeVerdict): { content: ContentOut[]; stopReason: StopReason } {
  if (mode.kind === 'tool') {
    return { content: [toolUse(mode.toolName, verdict)], stopReason: 'tool_use' };
  }
  const json = JSON.stringify(verdict);
  const text = mode.kind === 'json' ? json : `Here is my assessment of the scene.\n${json}`;
  return { content: [{ type: 'text', text }], stopReason: 'end_turn' };
}

export function unusableContent(
  mode: AnswerMode,
  kind: UnusableAnswer,
  verdict: JudgeVerdict,
): { content: ContentOut[]; stopReason: StopReason } {
  if (kind === 'refuse') {
    return { content: [{ type: 'text', text: 'I am not able to help with evaluating this content.' }], stopReason: 'refusal' };
  }
  if (kind === 'malformed') {
    // A score in words instead of a number: valid JSON that fails the verdict schema.
    const broken = { ...verdict, overallScore: 'high' };
    if (mode.kind === 'tool') return { content: [toolUse(mode.toolName, broken)], stopReason: 'tool_use' };
    return { content: [{ type: 'text', text: JSON.stringify(broken) }], stopReason: 'end_turn' };
  }
  // Cut off mid-answer: the tool input stops after the first fields, text mid-string.
  if (mode.kind === 'tool') {
    const partial = { overallScore: verdict.overallScore, categoryScores: { ai_artifacts: verdict.categoryScores.ai_artifacts } };
    return { content: [toolUse(mode.toolName, partial)], stopReason: 'max_tokens' };
  }
  const json = JSON.stringify(verdict);
  return { content: [{ type: 'text', text: json.slice(0, Math.floor(json.length / 2)) }], stopReason: 'max_tokens' };
}

const PREFERENCE_REASONS: Record<PairwiseAnswer, string> = {
  first: 'The first asset serves the scene better: its light, detail and framing are closer to the direction and the brand.',
  second: 'The second asset serves the scene better: its light, detail and framing are closer to the direction and the brand.',
  tie: 'The two assets serve the scene equally well; neither is clearly better.',
};

/**
 * The answer to a pairwise request, as a forced tool's call or as JSON text; cut off like any
 * answer when it does not fit the tokens left.
 */
export function preferenceContent(
  mode: AnswerMode,
  preferred: PairwiseAnswer,
  tokensLeft: number,
  count: TokenCount,
): { content: ContentOut[]; stopReason: StopReason } {
  const answer = { preferred, reason: PREFERENCE_REASONS[preferred] };
  if (mode.kind === 'tool') {
    const content = [toolUse(mode.toolName, answer)];
    if (outputTokens(content, count) <= tokensLeft) return { content, stopReason: 'tool_use' };
    return { content: [toolUse(mode.toolName, { preferred })], stopReason: 'max_tokens' };
  }
  const text = JSON.stringify(answer);
  const content: ContentOut[] = [{ type: 'text', text }];
  if (outputTokens(content, count) <= tokensLeft) return { content, stopReason: 'end_turn' };
  return { content: [{ type: 'text', text: text.slice(0, Math.floor(text.length / 2)) }], stopReason: 'max_tokens' };
}

export function outputTokens(content: ContentOut[], count: TokenCount): number {
  return count.text(JSON.stringify(content));
}

/** The message, with the model's thinking first when it thought; every block is billed output. */
export function messageBody(
  request: MessagesRequest,
  answer: { content: ContentOut[]; stopReason: StopReason },
  usage: CacheUsage,
  count: TokenCount,
  thought: ContentOut | undefined,
): Record<string, unknown> {
  const content = thought === undefined ? answer.content : [thought, ...answer.content];
  return {
    id: `msg_sim${randomBytes(12).toString('hex')}`,
    type: 'message',
    role: 'assistant',
    model: request.model,
    content,
    stop_reason: answer.stopReason,
    stop_sequence: null,
    usage: { ...usage, output_tokens: outputTokens(content, count), service_tier: 'standard' },
  };
}

export function requestId(): string {
  return `req_sim${randomBytes(12).toString('hex')}`;
}

export function errorEnvelope(type: string, message: string, id: string) {
  return { type: 'error', error: { type, message }, request_id: id };
}

function toolUse(name: string, input: Record<string, unknown>): ContentOut {
  return { type: 'tool_use', id: `toolu_sim${randomBytes(10).toString('hex')}`, name, input };
}
