import type Anthropic from '@anthropic-ai/sdk';
import { JudgeVerdictSchema, type JudgeVerdict } from './judge-verdict';
import { addUsage, analysisCostUsd, type ModelPrice, type TokenUsage } from './cost';
import { JUDGE_OUTPUT_SCHEMA, judgeSystemBlocks, judgeUserContent, type JudgeRequestInput } from './judge-prompt';
import { answerText, askStructured, parseJson, usageOf } from './claude-client';
import { unusableAnswerFailure, withPaid } from './judge-failures';

export interface ClaudeJudgeOptions {
  /** Created with maxRetries: 0 (see claude-client.ts): Temporal is the one retry layer. */
  client: Anthropic;
  model: string;
  /** Unknown prices (a model not in the table) report a cost of 0. */
  price?: ModelPrice;
  /** A verdict runs to a few hundred tokens; this leaves room for long issue lists. */
  maxTokens?: number;
  requestTimeoutMs?: number;
}

export interface JudgeOutcome {
  verdict: JudgeVerdict;
  /** Summed over both requests when a corrective retry was needed: both were paid for. */
  usage: TokenUsage;
  costUsd: number;
  requests: 1 | 2;
  /** What was wrong with the first answer, when it needed the corrective retry. */
  firstProblem?: string;
}

const DEFAULT_MAX_TOKENS = 2048;
const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

/**
 * One structured-output request; an answer that cannot be used (refused, cut off, not fitting the
 * schema) gets exactly one more request that tells the model what was wrong. HTTP failures are
 * not retried here: they become ApplicationFailures for Temporal to retry with its own delays.
 */
export async function judgeWithClaude(options: ClaudeJudgeOptions, input: JudgeRequestInput): Promise<JudgeOutcome> {
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const costOf = (usage: TokenUsage) => (options.price ? analysisCostUsd(usage, options.price) : 0);

  const first = await ask(options, input, maxTokens);
  let usage = first.usage;
  if ('verdict' in first.answer) {
    return { verdict: first.answer.verdict, usage, costUsd: costOf(usage), requests: 1 };
  }
  const firstProblem = first.answer.problem;
  // A cut-off answer gets room to finish; any other problem gets the same budget again.
  const retryTokens = first.answer.truncated ? maxTokens * 2 : maxTokens;
  const second = await ask(options, input, retryTokens, firstProblem).catch((error: unknown) => {
    throw withPaid(error, usage, costOf(usage));
  });
  usage = addUsage(usage, second.usage);
  if ('verdict' in second.answer) {
    return { verdict: second.answer.verdict, usage, costUsd: costOf(usage), requests: 2, firstProblem };
  }
  throw unusableAnswerFailure([firstProblem, second.answer.problem], usage, costOf(usage));
}

type Answer = { verdict: JudgeVerdict } | { problem: string; truncated: boolean };

async function ask(
  options: ClaudeJudgeOptions,
  input: JudgeRequestInput,
  maxTokens: number,
  correction?: string,
): Promise<{ answer: Answer; usage: TokenUsage }> {
  const message = await askStructured(options.client, {
    model: options.model,
    maxTokens,
    system: judgeSystemBlocks(),
    schema: JUDGE_OUTPUT_SCHEMA,
    content: judgeUserContent(input, correction),
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  });
  return { answer: readAnswer(message), usage: usageOf(message.usage) };
}

/** The verdict in a message, or a one-line account of why there is none (fed back to the model). */
export function readAnswer(message: Pick<Anthropic.Message, 'content' | 'stop_reason'>): Answer {
  if (message.stop_reason === 'refusal') return { problem: 'you declined to answer (stop_reason refusal)', truncated: false };
  if (message.stop_reason === 'max_tokens') {
    return { problem: 'the answer was cut off at the max_tokens limit; keep descriptions short', truncated: true };
  }
  const json = parseJson(answerText(message));
  if (json === undefined) return { problem: 'the answer was not one JSON object', truncated: false };
  const parsed = JudgeVerdictSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 8)
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(input)'}: ${issue.message}`)
      .join('; ');
    return { problem: `the answer did not match its schema (${issues})`, truncated: false };
  }
  return { verdict: parsed.data };
}
