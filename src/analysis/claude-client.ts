import Anthropic from '@anthropic-ai/sdk';
import type { AppConfig } from '../config';
import { missingKeyFailure } from './judge-failures';

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
