import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { loadConfig } from '../../src/config';
import { createProviderClients } from '../../src/providers/registry';

describe('provider registry', () => {
  it('without SIM_URL, fails every call of a provider without a key, naming the variable', async () => {
    const providers = createProviderClients(loadConfig({ DATA_DIR: '/tmp/unused' }));
    const expected = { kling: 'PIAPI_API_KEY', flux: 'PIAPI_API_KEY', runway: 'RUNWAYML_API_SECRET', falai: 'FAL_KEY' } as const;
    for (const [provider, envVar] of Object.entries(expected)) {
      const client = providers[provider as keyof typeof expected];
      await assert.rejects(
        client.submit({ prompt: 'p', kind: provider === 'falai' || provider === 'flux' ? 'image' : 'video', durationSeconds: 5, aspectRatio: '16:9' }),
        (error: unknown) => {
          assert.ok(error instanceof ApplicationFailure);
          assert.equal(error.type, 'auth');
          assert.equal(error.nonRetryable, true);
          assert.match(error.message, new RegExp(envVar));
          return true;
        },
      );
      await assert.rejects(client.poll('t'), /not configured/);
    }
  });

  it('prices each provider from the configured table, on the duration it actually asks for', () => {
    const providers = createProviderClients(loadConfig({ SIM_URL: 'http://127.0.0.1:1' }));
    assert.equal(providers.kling.costUsd('video', 5), 0.2); // Kling 2.6 std: $0.20 per 5 s
    assert.equal(providers.kling.costUsd('video', 7), 0.4); // asks for 10 s
    assert.equal(providers.luma.costUsd('video', 10), 0.4); // $0.04/s x 10 s
    assert.equal(providers.hailuo.costUsd('video', 9), 0.23); // Hailuo v2.3 768p, per 6-second clip
    assert.equal(providers.runway.costUsd('video', 4.2), 0.6); // gen4.5 $0.12/s x 5 whole seconds
    assert.equal(providers.runway.costUsd('video', 30), 1.2); // at most 10 s
    assert.equal(providers.runway.costUsd('image', 0), 0.05); // gen4_image 720p
    assert.equal(providers.flux.costUsd('image', 0), 0.0015);
    assert.equal(providers.falai.costUsd('image', 0), 0.003);
  });

  it('follows a changed price table', () => {
    const config = loadConfig({});
    const providers = createProviderClients({ ...config, generationPrices: { ...config.generationPrices, kling: { perSecondUsd: 0.2 } } });
    assert.equal(providers.kling.costUsd('video', 10), 2);
  });
});
