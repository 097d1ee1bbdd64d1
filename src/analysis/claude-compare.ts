import type Anthropic from '@anthropic-ai/sdk';
import type { PairwiseAnswer } from '../domain/best-pick';
import { PreferenceSchema } from './pairwise-verdict';
import type { SceneForAnalysis } from '../domain/judging';
import type { BrandProfile } from '../domain/brand';
import { addUsage, analysisCostUsd, type ModelPrice, type TokenUsage } from './cost';
import type { JudgeImage } from './inspect-asset';
import { FailureType } from '../domain/failures';
import { answerText, askStructured, parseJson, usageOf } from './claude-client';
import { judgeFailure, withPaid } from './judge-failures';
import { PREFERENCE_OUTPUT_SCHEMA, pairwiseSystemBlocks, pairwiseUserContent } from './pairwise-prompt';

export interface ClaudeCompareOptions {
  /** Created with maxRetries: 0 (see claude-client.ts): Temporal is the one retry layer. */
  client: Anthropic;
  model: string;
  /** Unknown prices (a model not in the table) report a cost of 0. */
  price?: ModelPrice;
  requestTimeoutMs?: number;
}

export interface CompareInput {
  scene: SceneForAnalysis;
  brandProfile?: BrandProfile;
  /** The candidate shown first in the first request (and second in the other). */
  first: JudgeImage[];
  second: JudgeImage[];
}

export interface CompareOutcome {
  /** [answer with `first` shown first, answer with `second` shown first], each in the order shown. */
  answers: [PairwiseAnswer, PairwiseAnswer];
  /** Both requests. */
  usage: TokenUsage;
  costUsd: number;
}

// A preference and one sentence of reason: a few dozen tokens.
const MAX_TOKENS = 512;
const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

/**
 * Asks once per order, so that a preference for whichever asset comes first (position bias)
 * shows as the two orders disagreeing. Each answer is returned as Claude gave it, in the order
 * that request showed: rules/best-pick.ts decideBest reads it against that order. An unusable
 * answer is not asked again here: both orders are needed and the round does without a
 * comparison rather than pay for a third request.
 */
export async function compareWithClaude(options: ClaudeCompareOptions, input: CompareInput): Promise<CompareOutcome> {
  const costOf = (usage: TokenUsage) => (options.price ? analysisCostUsd(usage, options.price) : 0);
  const inOrder = await ask(options, { scene: input.scene, brandProfile: input.brandProfile, shownFirst: input.first, shownSecond: input.second });
  const swapped = await ask(options, { scene: input.scene, brandProfile: input.brandProfile, shownFirst: input.second, shownSecond: input.first }).catch(
    (error: unknown) => {
      throw withPaid(error, inOrder.usage, costOf(inOrder.usage));
    },
  );
  const usage = addUsage(inOrder.usage, swapped.usage);
  const problems = [inOrder.answer, swapped.answer].flatMap((answer) => ('problem' in answer ? [answer.problem] : []));
  if ('problem' in inOrder.answer || 'problem' in swapped.answer) {
    throw judgeFailure(FailureType.analysisUnusable, `Claude's comparison was unusable: ${problems.join('; ')}`, {
      usage,
      costUsd: costOf(usage),
    });
  }
  return { answers: [inOrder.answer.preferred, swapped.answer.preferred], usage, costUsd: costOf(usage) };
}

type Answer = { preferred: PairwiseAnswer } | { problem: string };

async function ask(
  options: ClaudeCompareOptions,
  request: Parameters<typeof pairwiseUserContent>[0],
): Promise<{ answer: Answer; usage: TokenUsage }> {
  const message = await askStructured(options.client, {
    model: options.model,
    maxTokens: MAX_TOKENS,
    system: pairwiseSystemBlocks(),
    schema: PREFERENCE_OUTPUT_SCHEMA,
    content: pairwiseUserContent(request),
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  });
  return { answer: readPreference(message), usage: usageOf(message.usage) };
}

/** The preference in a message, or why there is none. */
export function readPreference(message: Pick<Anthropic.Message, 'content' | 'stop_reason'>): Answer {
  if (message.stop_reason === 'refusal') return { problem: 'the comparison was declined (stop_reason refusal)' };
  if (message.stop_reason === 'max_tokens') return { problem: 'the comparison was cut off at the max_tokens limit' };
  const json = parseJson(answerText(message));
  if (json === undefined) return { problem: 'the answer was not one JSON object' };
  const parsed = PreferenceSchema.safeParse(json);
  if (!parsed.success) return { problem: `the answer did not match its schema (${parsed.error.issues[0]?.message ?? 'invalid'})` };
  return { preferred: parsed.data.preferred };
}
