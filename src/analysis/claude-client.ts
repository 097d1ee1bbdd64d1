import Anthropic from '@anthropic-ai/sdk';
import { claudeModel, thinkingToSend } from '../catalog/limits/anthropic';
import type { AppConfig } from '../config';
import { NO_USAGE, type TokenUsage } from './cost';
import { classifyJudgeError, missingKeyFailure } from './judge-failures';

export type ClaudeClientConfig = Pick<AppConfig, 'keys' | 'simUrl'>;

// The simulator checks that some key is sent, never which; a real key stays off the loopback.
const SIMULATOR_KEY = 'sim';

/**
 * The SDK pointed at Claude, or at the simulator when SIM_URL is set. Its own retries are off:
 * a 429 retried inside the SDK would be invisible to Temporal and would ignore the policy.
 * Throws the non-retryable `auth` failure when there is neither a key nor a simulator.
 */
export function createClaudeClient(config: ClaudeClientConfig, fetchImplementation?: typeof fetch): Anthropic {
  const apiKey = config.simUrl ? SIMULATOR_KEY : config.keys.anthropic;
  if (apiKey === undefined) throw missingKeyFailure();
  return new Anthropic({
    apiKey,
    baseURL: config.simUrl,
    maxRetries: 0,
    ...(fetchImplementation ? { fetch: fetchImplementation } : {}),
  });
}

export interface StructuredRequest {
  model: string;
  /** For the answer itself; a model that always thinks gets THINKING_ALLOWANCE on top. */
  maxTokens: number;
  system: Anthropic.TextBlockParam[];
  /** The JSON Schema (strict subset) the answer's text is decoded against. */
  schema: Record<string, unknown>;
  content: Anthropic.ContentBlockParam[];
  timeoutMs: number;
}

/**
 * Thinking tokens are billed as output and count against max_tokens
 * (https://platform.claude.com/docs/en/build-with-claude/thinking): room for them on a model that
 * cannot be asked not to think, so that the answer after them is not cut off.
 */
export const THINKING_ALLOWANCE = 8192;

/**
 * One Messages request whose answer is JSON text decoded against `schema` (structured outputs,
 * `output_config.format`: https://platform.claude.com/docs/en/build-with-claude/structured-outputs),
 * for the judge and the pairwise comparison alike. Every model in src/catalog/limits/anthropic.ts
 * takes it, also while thinking, where a forced tool would be refused. Thinking is turned off where
 * the model allows (a verdict is read off the images, not reasoned out), so it is neither paid for
 * nor waited on. The message comes back whole, refusal and max_tokens stops included: the caller
 * reads them and keeps the tokens paid. No SDK retries (Temporal is the one retry layer); an error
 * the SDK throws comes back as the judge's failure types. No temperature: the API version the SDK
 * sends refuses any sampling parameter (even 0) with a 400; a verdict's run-to-run wobble is met
 * instead by asking again (src/rules/judging.ts).
 */
export async function askStructured(client: Anthropic, request: StructuredRequest): Promise<Anthropic.Message> {
  const model = claudeModel(request.model);
  const thinking = thinkingToSend(model);
  const maxTokens = request.maxTokens + (model?.thinking === 'always' ? THINKING_ALLOWANCE : 0);
  try {
    return await client.messages.create(
      {
        model: request.model,
        max_tokens: maxTokens,
        system: request.system,
        ...(thinking ? { thinking } : {}),
        output_config: { format: { type: 'json_schema', schema: request.schema } },
        messages: [{ role: 'user', content: request.content }],
      },
      { timeout: request.timeoutMs, maxRetries: 0 },
    );
  } catch (error) {
    throw classifyJudgeError(error);
  }
}

/** The answer's text: every text block, thinking blocks passed over. */
export function answerText(message: Pick<Anthropic.Message, 'content'>): string | undefined {
  const texts = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : []));
  return texts.length === 0 ? undefined : texts.join('');
}

/** The JSON value of an answer's text, or undefined when there is no text or it is not JSON. */
export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The tokens a message was billed for, as the cost table reads them. */
export function usageOf(usage: Anthropic.Usage | undefined): TokenUsage {
  if (usage === undefined) return NO_USAGE;
  return {
    inputTokens: usage.input_tokens ?? 0,
    outputTokens: usage.output_tokens ?? 0,
    cacheCreationInputTokens: usage.cache_creation_input_tokens ?? 0,
    cacheReadInputTokens: usage.cache_read_input_tokens ?? 0,
  };
}
