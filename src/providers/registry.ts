import type { AppConfig } from '../config';
import type { ProviderName } from '../domain/provider';
import { createFalProvider } from './fal';
import { withoutKey } from './missing-key-provider';
import { createPiapiProvider } from './piapi';
import type { PiapiProvider } from './piapi-models';
import type { ProviderClient } from './provider-client';
import { createRunwayProvider } from './runway';

export interface ProviderRegistryOptions {
  /** Deadline of one HTTP call to a provider (not of the whole generation). */
  requestTimeoutMs?: number;
}

// The simulator does not check keys' values, only that one is sent.
const SIMULATOR_KEY = 'sim';
// Never sent anywhere: the adapters behind withoutKey are only asked for prices.
const ABSENT_KEY = 'absent';

type ConfigWithProviders = Pick<AppConfig, 'keys' | 'simUrl' | 'generationPrices'>;

/** The key each provider's API needs, by the name of its setting (CONTRACT.md "Environment"). */
const PROVIDER_KEYS: Readonly<Record<ProviderName, { key: keyof AppConfig['keys']; envVar: string }>> = {
  kling: { key: 'piapi', envVar: 'PIAPI_API_KEY' },
  luma: { key: 'piapi', envVar: 'PIAPI_API_KEY' },
  hailuo: { key: 'piapi', envVar: 'PIAPI_API_KEY' },
  flux: { key: 'piapi', envVar: 'PIAPI_API_KEY' },
  runway: { key: 'runway', envVar: 'RUNWAYML_API_SECRET' },
  falai: { key: 'fal', envVar: 'FAL_KEY' },
};

/**
 * Why this worker cannot call the provider: its key is not set and no simulator stands in
 * (SPEC.md: a provider whose key is not configured is never chosen); undefined when it can.
 */
export function providerKeyProblem(config: Pick<AppConfig, 'keys' | 'simUrl'>, provider: ProviderName): string | undefined {
  if (config.simUrl !== undefined) return undefined;
  const { key, envVar } = PROVIDER_KEYS[provider];
  return config.keys[key] === undefined ? `${provider} has no key configured (${envVar})` : undefined;
}

/**
 * Every provider's adapter. With SIM_URL set, all of them talk to the simulator by the same
 * code path as production, only their base URL differs. Without it, a provider whose key is
 * unset fails every call with a non-retryable `auth` failure naming the variable.
 */
export function createProviderClients(
  config: ConfigWithProviders,
  options: ProviderRegistryOptions = {},
): Record<ProviderName, ProviderClient> {
  const { simUrl, generationPrices: prices } = config;
  const { requestTimeoutMs } = options;
  const keyOrSim = (key: string | undefined): string | undefined => key ?? (simUrl ? SIMULATOR_KEY : undefined);

  const guarded = (provider: ProviderName, envVar: string, key: string | undefined, build: (apiKey: string) => ProviderClient) => {
    const usable = keyOrSim(key);
    return usable ? build(usable) : withoutKey(provider, envVar, build(ABSENT_KEY));
  };

  const piapi = (provider: PiapiProvider) =>
    guarded(provider, PROVIDER_KEYS[provider].envVar, config.keys.piapi, (apiKey) =>
      createPiapiProvider({ provider, apiKey, baseUrl: simUrl, price: prices[provider], requestTimeoutMs }),
    );

  return {
    kling: piapi('kling'),
    luma: piapi('luma'),
    hailuo: piapi('hailuo'),
    flux: piapi('flux'),
    runway: guarded('runway', PROVIDER_KEYS.runway.envVar, config.keys.runway, (apiKey) =>
      createRunwayProvider({ apiKey, baseUrl: simUrl, price: prices.runway, requestTimeoutMs }),
    ),
    falai: guarded('falai', PROVIDER_KEYS.falai.envVar, config.keys.fal, (apiKey) =>
      createFalProvider({ apiKey, simUrl, price: prices.falai, requestTimeoutMs }),
    ),
  };
}
