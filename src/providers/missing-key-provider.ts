import type { ProviderName } from '../domain/provider';
import { missingKeyFailure } from './classify-failure';
import type { ProviderClient } from './provider-client';

/**
 * Stands in for a provider whose key is not set, so that the worker still starts (other
 * providers may be configured) and an attempt on this one fails at once, non-retryably,
 * naming the variable to set. Prices still come from the real adapter.
 */
export function withoutKey(provider: ProviderName, envVar: string, adapter: ProviderClient): ProviderClient {
  const refuse = async (): Promise<never> => {
    throw missingKeyFailure(provider, envVar);
  };
  return { submit: refuse, poll: refuse, cancel: refuse, costUsd: (kind, seconds) => adapter.costUsd(kind, seconds) };
}
