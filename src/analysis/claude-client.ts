import Anthropic from '@anthropic-ai/sdk';
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

export interface ForcedToolRequest {
  model: string;
  maxTokens: number;
  system: Anthropic.TextBlockParam[];
  /** The one tool the answer must call, once: its input is the answer. */
  tool: Anthropic.Tool;
  content: Anthropic.ContentBlockParam[];
  timeoutMs: number;
}

/**
 * One Messages request whose answer must be a call of `tool`, for the judge and the pairwise
 * comparison alike. No SDK retries (Temporal is the one retry layer); an error the SDK throws
 * comes back as the judge's failure types, which the activity's retry policy reads. No
 * temperature: the API version the SDK sends refuses any sampling parameter (even 0) with a 400;
 * a verdict's run-to-run wobble is met instead by asking again (src/rules/judging.ts).
 */
export async function askForcedTool(client: Anthropic, request: ForcedToolRequest): Promise<Anthropic.Message> {
  try {
    return await client.messages.create(
      {
        model: request.model,
        max_tokens: request.maxTokens,
        system: request.system,
        tools: [request.tool],
        tool_choice: { type: 'tool', name: request.tool.name, disable_parallel_tool_use: true },
        messages: [{ role: 'user', content: request.content }],
      },
      { timeout: request.timeoutMs, maxRetries: 0 },
    );
  } catch (error) {
    throw classifyJudgeError(error);
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
