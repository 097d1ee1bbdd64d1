import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_TEMPORAL_UI_URL, loadConfig, loadMediaToolPaths } from '../../src/config';

const ROOT = path.resolve(__dirname, '../..');

/*
 * Places still allowed to read the environment themselves: the simulator's own variables
 * (SIM_SCENARIOS, SIM_HOST, SIM_LATENCY_MS, SIM_TIMEOUT_FAULT_MS, not product settings), the
 * stack, which passes the environment it was given on to loadConfig, the production stack and
 * Temporal's production server, which pass it (or its PATH) on to the processes they start, and the S3 store, which
 * only sets the AWS SDK's switch for its Node-version notice (no setting is read there).
 */
const READS_ENV_ITSELF = new Set([
  'src/config.ts',
  'src/sim/main.ts',
  'src/stack/start-stack.ts',
  'src/stack/production-stack.ts',
  'src/temporal/production-server.ts',
  'src/storage/s3-asset-store.ts',
]);

describe('loadConfig', () => {
  it('has a default for every setting', () => {
    const config = loadConfig({});
    assert.equal(config.temporal.address, 'localhost:7233');
    assert.equal(config.temporal.addressSet, false);
    assert.equal(config.temporalUiUrl, DEFAULT_TEMPORAL_UI_URL);
    assert.deepEqual(config.devServer, { port: 7233, uiPort: 8233 });
    assert.equal(config.simLatencyMs, 1500);
    assert.deepEqual(config.media, { ffmpegPath: undefined, ffprobePath: undefined });
    assert.ok(config.decisionHoldMs > 0);
  });

  it('reads the demo’s, the dev server’s and the media tools’ variables', () => {
    const env = {
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_PORT: '7299',
      TEMPORAL_UI_PORT: '8299',
      SIM_LATENCY_MS: '0',
      FFMPEG_PATH: '/usr/bin/ffmpeg',
      FFPROBE_PATH: '/usr/bin/ffprobe',
      TEMPORAL_UI_URL: 'https://temporal.example.com/',
    };
    const config = loadConfig(env);
    assert.equal(config.temporal.addressSet, true);
    assert.deepEqual(config.devServer, { port: 7299, uiPort: 8299 });
    assert.equal(config.simLatencyMs, 0);
    assert.deepEqual(config.media, { ffmpegPath: '/usr/bin/ffmpeg', ffprobePath: '/usr/bin/ffprobe' });
    assert.deepEqual(loadMediaToolPaths(env), config.media);
    assert.equal(config.temporalUiUrl, 'https://temporal.example.com');
  });

  it('keeps assets in DATA_DIR/assets unless ASSET_STORE names a bucket', () => {
    const local = loadConfig({ DATA_DIR: '/var/lib/regen' });
    assert.deepEqual(local.assetStore, { kind: 'local', rootDir: '/var/lib/regen/assets' });
    assert.equal(local.scratchDir, '/var/lib/regen/scratch');
    assert.deepEqual(loadConfig({ ASSET_STORE: '  ' }).assetStore.kind, 'local');
  });

  it('reads ASSET_STORE=s3://bucket/prefix with S3_ENDPOINT, S3_REGION and the credentials', () => {
    const config = loadConfig({
      ASSET_STORE: 's3://scene-assets/prod/v1/',
      S3_ENDPOINT: 'http://127.0.0.1:7070/',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    assert.deepEqual(config.assetStore, {
      kind: 's3',
      bucket: 'scene-assets',
      prefix: 'prod/v1',
      endpoint: 'http://127.0.0.1:7070',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: undefined },
    });
    const aws = loadConfig({ ASSET_STORE: 's3://scene-assets', S3_REGION: 'eu-west-3' });
    assert.deepEqual(aws.assetStore, { kind: 's3', bucket: 'scene-assets', prefix: '', endpoint: undefined, region: 'eu-west-3', credentials: undefined });
  });

  it('refuses a malformed ASSET_STORE, S3_ENDPOINT or half a credential pair, naming the setting', () => {
    for (const value of ['/srv/assets', 's3:/bucket', 's3://', 's3://Bad_Bucket', 's3://b', 's3://bucket/../up', 's3://bucket/a//b', 'gs://bucket']) {
      assert.throws(() => loadConfig({ ASSET_STORE: value }), /^Error: Invalid environment: ASSET_STORE must be unset/, value);
    }
    assert.throws(() => loadConfig({ ASSET_STORE: 's3://bucket', S3_ENDPOINT: 'localhost:7070' }), /Invalid environment: S3_ENDPOINT/);
    assert.throws(() => loadConfig({ ASSET_STORE: 's3://bucket', S3_ENDPOINT: 'http://user:pw@host' }), /Invalid environment: S3_ENDPOINT/);
    assert.throws(() => loadConfig({ ASSET_STORE: 's3://bucket', AWS_ACCESS_KEY_ID: 'only-one' }), /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });

  it('PROVIDER_WEBHOOKS: off by default; on needs WEBHOOK_SECRET and PUBLIC_URL, or the start stops with one clear line', () => {
    assert.equal(loadConfig({}).providerWebhooks, undefined);
    assert.equal(loadConfig({ PROVIDER_WEBHOOKS: 'off', WEBHOOK_SECRET: 'x' }).providerWebhooks, undefined);
    const on = { PROVIDER_WEBHOOKS: 'on', PUBLIC_URL: 'https://review.example.com' };
    assert.throws(() => loadConfig(on), /^Error: Invalid environment: WEBHOOK_SECRET must be set/);
    assert.throws(() => loadConfig({ ...on, WEBHOOK_SECRET: 'short' }), /Invalid environment: WEBHOOK_SECRET .* at least 16/);
    assert.throws(
      () => loadConfig({ PROVIDER_WEBHOOKS: 'on', WEBHOOK_SECRET: 'a-long-enough-secret' }),
      /Invalid environment: PUBLIC_URL must be set/,
    );
    assert.throws(() => loadConfig({ PROVIDER_WEBHOOKS: 'yes' }), /Invalid environment: PROVIDER_WEBHOOKS/);
    assert.deepEqual(loadConfig({ ...on, WEBHOOK_SECRET: 'a-long-enough-secret' }).providerWebhooks, {
      secret: 'a-long-enough-secret',
    });
  });

  it('refuses a port that is not one', () => {
    assert.throws(() => loadConfig({ TEMPORAL_UI_PORT: 'eighty' }), /TEMPORAL_UI_PORT/);
  });

  it('is the only place the product reads the environment', () => {
    const offenders: string[] = [];
    const visit = (relative: string): void => {
      const full = path.join(ROOT, relative);
      if (statSync(full).isDirectory()) {
        if (['node_modules', 'dist', 'page'].includes(path.basename(relative))) return;
        for (const entry of readdirSync(full)) visit(path.join(relative, entry));
      } else if (relative.endsWith('.ts') && !READS_ENV_ITSELF.has(relative)) {
        if (/process\.env\b/.test(readFileSync(full, 'utf8'))) offenders.push(relative);
      }
    };
    for (const entry of ['src', 'activities', 'workflows', 'scripts', 'worker.ts', 'client.ts']) visit(entry);
    assert.deepEqual(offenders, []);
  });
});
