import path from 'node:path';
import type { TLSConfig } from '@temporalio/client';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile } from '@temporalio/envconfig';
import { z } from 'zod';
import { DEFAULT_GENERATION_PRICES, DEFAULT_MODEL_PRICES } from './catalog/prices';
import { isProviderName, PROVIDER_NAMES, type ProviderName } from './domain/provider';
import { readNotificationSettings, type NotificationSettings } from './notifications/settings';
import { DEFAULT_BREAKER } from './rules/provider-health';

// The price tables are plain data in a zod-free module, so the workflow's budget rule can read them.
export { DEFAULT_GENERATION_PRICES, DEFAULT_MODEL_PRICES } from './catalog/prices';

/** The Web UI of a local dev server (`npm run temporal:dev`, the demo). */
export const DEFAULT_TEMPORAL_UI_URL = 'http://localhost:8233';

/** TEMPORAL_CALL_TIMEOUT_MS's default: the 10 s the review API already gave a query. */
export const DEFAULT_TEMPORAL_CALL_TIMEOUT_MS = 10_000;

/**
 * The longest one reconciler pass may run before the next is started anyway (its Temporal calls
 * are aborted): a pass over a few thousand entries takes seconds.
 */
export const DEFAULT_RECONCILE_PASS_TIMEOUT_MS = 120_000;

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const EnvSchema = z.object({
  TEMPORAL_TASK_QUEUE: z.string().default('scene-regeneration'),
  /**
   * How long one call to the Temporal server (start, signal, query, describe, cancel) may take
   * before it fails: long enough for a loaded server and a worker answering a query, short
   * enough that a request or a reconciler pass never waits on a server that does not answer.
   */
  TEMPORAL_CALL_TIMEOUT_MS: z.coerce.number().int().positive().default(DEFAULT_TEMPORAL_CALL_TIMEOUT_MS),
  /**
   * This worker's build in Temporal's Worker Deployment Versioning (README "Shipping a change to
   * workflow code"): set, the worker registers version <WORKER_DEPLOYMENT_NAME>.<WORKER_BUILD_ID>;
   * unset, it is unversioned (the demo, the tests, one worker on a laptop).
   */
  WORKER_BUILD_ID: optionalString,
  WORKER_DEPLOYMENT_NAME: z.string().default('scene-regeneration'),
  DATABASE_URL: optionalString,
  DATA_DIR: z.string().default('./data'),
  ANTHROPIC_API_KEY: optionalString,
  // The current Sonnet (README, "Models used and their limits", says why).
  ANTHROPIC_MODEL: z.string().default('claude-sonnet-5-5'),
  PIAPI_API_KEY: optionalString,
  RUNWAYML_API_SECRET: optionalString,
  FAL_KEY: optionalString,
  SIM_URL: optionalString,
  SIM_PORT: z.coerce.number().int().min(0).max(65535).default(7070),
  REVIEW_API_TOKEN: optionalString,
  REVIEW_API_TOKENS: optionalString,
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optionalString,
  /** on: fal and PiAPI are asked to call PUBLIC_URL back when a task ends (src/providers/callbacks.ts). */
  PROVIDER_WEBHOOKS: z
    .enum(['on', 'off', 'true', 'false', '1', '0', ''])
    .default('off')
    .transform((value) => value === 'on' || value === 'true' || value === '1'),
  /** Signs the callback URLs; required when PROVIDER_WEBHOOKS is on. */
  WEBHOOK_SECRET: optionalString,
  /** Where people open the Temporal Web UI; the review page links each round there. */
  TEMPORAL_UI_URL: z.string().default(DEFAULT_TEMPORAL_UI_URL),
  /** Unset: files under DATA_DIR/assets. `s3://bucket/prefix`: an S3-compatible object store. */
  ASSET_STORE: optionalString,
  /** The object store's URL when it is not AWS (versitygw, MinIO...); path-style addressing then. */
  S3_ENDPOINT: optionalString,
  S3_REGION: z.string().default('us-east-1'),
  /** The object store's credentials; unset: the AWS SDK's default chain (instance role...). */
  AWS_ACCESS_KEY_ID: optionalString,
  AWS_SECRET_ACCESS_KEY: optionalString,
  AWS_SESSION_TOKEN: optionalString,
  MAX_ASSET_BYTES: z.coerce.number().int().positive().default(512 * 1024 * 1024),
  ANALYSIS_VIDEO_FRAMES: z.coerce.number().int().min(1).max(20).default(4),
  /** Generations in flight per provider from all workers together, e.g. "kling=3,runway=2"; the rest keep the default. */
  PROVIDER_CONCURRENCY: optionalString,
  /** Circuit breaker shared by every worker: failures in a row that open it, and how long it stays open. */
  PROVIDER_ALLOWED_FAILS: z.coerce.number().int().min(1).default(DEFAULT_BREAKER.allowedFails),
  PROVIDER_COOLDOWN_SECONDS: z.coerce.number().min(0).default(DEFAULT_BREAKER.cooldownMs / 1000),
  LOG_LEVEL: z.string().default('info'),
  // The worker's Prometheus endpoint; 0 picks a free port (tests, several workers on one host).
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  // Temporal's own exporter, on loopback only: the METRICS_PORT endpoint serves its metrics too.
  TEMPORAL_METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9465),
  // A system ffmpeg and ffprobe instead of the static binaries the npm packages ship.
  FFMPEG_PATH: optionalString,
  FFPROBE_PATH: optionalString,
  // The dev server that `npm run demo` and `npm run temporal:dev` start when TEMPORAL_ADDRESS is unset.
  TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  // The PostgreSQL server `npm run stack:prod` puts Temporal's two databases and the product's on.
  STACK_POSTGRES_URL: z.string().default('postgres://postgres@127.0.0.1:5432/postgres'),
  // The demo's simulated generation time: long enough to watch, short enough to wait for.
  SIM_LATENCY_MS: z.coerce.number().int().min(0).default(1500),
  /** production: outgoing webhooks must be HTTPS outside loopback. */
  NODE_ENV: optionalString,
  /** Outgoing webhooks (CONTRACT.md): receivers, the signing secret, reminders, when to give up. */
  NOTIFY_WEBHOOK_URLS: optionalString,
  NOTIFY_WEBHOOK_SECRET: optionalString,
  NOTIFY_REMINDERS: optionalString,
  NOTIFY_GIVE_UP_AFTER: optionalString,
});

/**
 * Where Temporal is and how to reach it: Temporal's own environment configuration, read by
 * @temporalio/envconfig as every Temporal SDK and the CLI read it
 * (https://docs.temporal.io/develop/environment-configuration). A profile of temporal.toml
 * (TEMPORAL_CONFIG_FILE, else ~/.config/temporalio/temporal.toml; TEMPORAL_PROFILE, else
 * "default") gives the values, and these variables override them one by one.
 */
export const TEMPORAL_CONNECTION_ENV_KEYS = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_CERT_DATA',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'TEMPORAL_PROFILE',
  'TEMPORAL_CONFIG_FILE',
] as const;

/** Every environment variable loadConfig reads: the deployment files are checked against it. */
export const CONFIG_ENV_KEYS: readonly string[] = [...Object.keys(EnvSchema.shape), ...TEMPORAL_CONNECTION_ENV_KEYS];

/** The Temporal CLI's and SDKs' defaults when no profile or variable names a server. */
const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
const DEFAULT_TEMPORAL_NAMESPACE = 'default';

/**
 * What both kinds of Temporal connection take (the client's Connection and the worker's
 * NativeConnection): built once here, passed as is to connect().
 */
export interface TemporalConnectionSettings {
  address: string;
  /** true: TLS with the system's roots; an object: a server CA, a client certificate, a server name. */
  tls?: TLSConfig | boolean;
  apiKey?: string;
  /** gRPC headers (TEMPORAL_GRPC_META_* or the profile's grpc_meta). */
  metadata?: Record<string, string>;
}

export interface ReviewerToken {
  reviewer: string;
  token: string;
  /** The projects this token may see and act on; absent: every project. */
  projects?: number[];
}

export interface AppConfig {
  /** addressSet: a server was named (variable or profile), so the demo uses it instead of a dev server. */
  temporal: {
    address: string;
    addressSet: boolean;
    connection: TemporalConnectionSettings;
    namespace: string;
    taskQueue: string;
    /** The Worker Deployment Version this worker registers; absent: unversioned. */
    deployment?: { name: string; buildId: string };
    /** TEMPORAL_CALL_TIMEOUT_MS: the deadline of each call to the server (src/temporal/call-deadline.ts). */
    callTimeoutMs: number;
  };
  databaseUrl?: string;
  dataDir: string;
  /** `<DATA_DIR>/assets`: the local store's directory (used when assetStore.kind is 'local'). */
  assetsDir: string;
  /** Where assets are stored: ASSET_STORE. */
  assetStore: AssetStoreConfig;
  /**
   * `<DATA_DIR>/scratch`, this process's own files that nothing else reads: downloads staged
   * for the object store, and the analysis's copies of objects while it runs.
   */
  scratchDir: string;
  simUrl?: string;
  simPort: number;
  keys: { anthropic?: string; piapi?: string; runway?: string; fal?: string };
  anthropicModel: string;
  reviewApiToken?: string;
  /** Named reviewers from REVIEW_API_TOKENS="ana:token1,bo:token2", each acting under their name. */
  reviewerTokens: ReviewerToken[];
  /** Interface this process's listeners bind (web server, worker metrics): loopback unless HOST says otherwise. */
  host: string;
  port: number;
  publicUrl: string;
  /**
   * Set when PROVIDER_WEBHOOKS is on: providers that offer webhooks call
   * `${publicUrl}/webhooks/generation/<provider>` when a task ends, signed with this secret.
   */
  providerWebhooks?: { secret: string };
  temporalUiUrl: string;
  maxAssetBytes: number;
  analysisVideoFrames: number;
  /** Generations each provider may have in flight, from all workers together (counted in the database). */
  providerConcurrency: Record<ProviderName, number>;
  /** The providers' shared circuit breaker (src/rules/provider-health.ts, defaults after LiteLLM). */
  providerBreaker: { allowedFails: number; cooldownMs: number };
  logLevel: string;
  /** Where the worker serves /metrics, and the loopback port of Temporal's exporter behind it. */
  metrics: { port: number; temporalPort: number };
  media: MediaToolPaths;
  /** The dev server started for the demo and `npm run temporal:dev`; stack:prod's Temporal takes the same ports. */
  devServer: { port: number; uiPort: number };
  /** `npm run stack:prod`'s PostgreSQL server (a maintenance database's URL). */
  stackPostgresUrl: string;
  simLatencyMs: number;
  /** How long the review API refuses a second decision on an entry whose first is still in flight. */
  decisionHoldMs: number;
  /** Outgoing webhooks; absent when NOTIFY_WEBHOOK_URLS names no receiver. */
  notifications?: NotificationSettings;
  generationPrices: typeof DEFAULT_GENERATION_PRICES;
  modelPrices: typeof DEFAULT_MODEL_PRICES;
}

export type AssetStoreConfig = LocalAssetStoreConfig | S3AssetStoreConfig;

export interface LocalAssetStoreConfig {
  kind: 'local';
  rootDir: string;
}

export interface S3AssetStoreConfig {
  kind: 's3';
  bucket: string;
  /** Key prefix without leading or trailing slash; '' for the bucket's root. */
  prefix: string;
  /** S3_ENDPOINT; absent: AWS itself. Path-style addressing is used whenever it is set. */
  endpoint?: string;
  region: string;
  /** Absent: the SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** Unset: the static binaries of @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe. */
export interface MediaToolPaths {
  ffmpegPath?: string;
  ffprobePath?: string;
}

/**
 * Long enough for a round to carry a decision out (it closes the entry within seconds); after it
 * a still-pending entry may be decided again, since the round refused the first.
 */
export const DEFAULT_DECISION_HOLD_MS = 60_000;

/** Reads the environment once at start; a bad value stops the process with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const temporal = readTemporalConnection(env);
  return {
    temporal: {
      ...temporal,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      callTimeoutMs: e.TEMPORAL_CALL_TIMEOUT_MS,
      ...(e.WORKER_BUILD_ID ? { deployment: { name: e.WORKER_DEPLOYMENT_NAME, buildId: e.WORKER_BUILD_ID } } : {}),
    },
    databaseUrl: e.DATABASE_URL,
    dataDir,
    assetsDir: path.join(dataDir, 'assets'),
    assetStore: parseAssetStore(e, dataDir),
    scratchDir: path.join(dataDir, 'scratch'),
    simUrl: e.SIM_URL?.replace(/\/+$/, ''),
    simPort: e.SIM_PORT,
    keys: { anthropic: e.ANTHROPIC_API_KEY, piapi: e.PIAPI_API_KEY, runway: e.RUNWAYML_API_SECRET, fal: e.FAL_KEY },
    anthropicModel: e.ANTHROPIC_MODEL,
    reviewApiToken: e.REVIEW_API_TOKEN,
    reviewerTokens: parseReviewerTokens(e.REVIEW_API_TOKENS),
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    providerWebhooks: readProviderWebhooks(e.PROVIDER_WEBHOOKS, e.WEBHOOK_SECRET, e.PUBLIC_URL),
    temporalUiUrl: e.TEMPORAL_UI_URL.replace(/\/+$/, ''),
    maxAssetBytes: e.MAX_ASSET_BYTES,
    analysisVideoFrames: e.ANALYSIS_VIDEO_FRAMES,
    providerConcurrency: parseProviderConcurrency(e.PROVIDER_CONCURRENCY),
    providerBreaker: { allowedFails: e.PROVIDER_ALLOWED_FAILS, cooldownMs: e.PROVIDER_COOLDOWN_SECONDS * 1000 },
    logLevel: e.LOG_LEVEL,
    metrics: { port: e.METRICS_PORT, temporalPort: e.TEMPORAL_METRICS_PORT },
    media: { ffmpegPath: e.FFMPEG_PATH, ffprobePath: e.FFPROBE_PATH },
    devServer: { port: e.TEMPORAL_PORT, uiPort: e.TEMPORAL_UI_PORT },
    stackPostgresUrl: e.STACK_POSTGRES_URL,
    simLatencyMs: e.SIM_LATENCY_MS,
    decisionHoldMs: DEFAULT_DECISION_HOLD_MS,
    notifications: readNotificationSettings({
      urls: e.NOTIFY_WEBHOOK_URLS,
      secret: e.NOTIFY_WEBHOOK_SECRET,
      reminders: e.NOTIFY_REMINDERS,
      giveUpAfter: e.NOTIFY_GIVE_UP_AFTER,
      production: e.NODE_ENV === 'production',
      publicUrl,
    }),
    generationPrices: DEFAULT_GENERATION_PRICES,
    modelPrices: DEFAULT_MODEL_PRICES,
  };
}

/**
 * The profile and variables through @temporalio/envconfig, with the checks it leaves out: a
 * client certificate without its key (or the reverse) would silently connect without either.
 */
function readTemporalConnection(env: NodeJS.ProcessEnv): {
  address: string;
  addressSet: boolean;
  namespace: string;
  connection: TemporalConnectionSettings;
} {
  // envconfig takes an empty variable as set (an empty TEMPORAL_API_KEY would turn TLS on);
  // here, as for every other setting, empty is unset.
  const given = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''),
  );
  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: given });
  } catch (error) {
    throw new Error(`Invalid environment: TEMPORAL_PROFILE / TEMPORAL_CONFIG_FILE (temporal.toml): ${messageOf(error)}`);
  }
  const tls = profile.tls;
  if (tls && !tls.disabled && (tls.clientCert === undefined) !== (tls.clientKey === undefined)) {
    throw new Error(
      'Invalid environment: TEMPORAL_TLS_CLIENT_CERT_PATH (or _DATA) and TEMPORAL_TLS_CLIENT_KEY_PATH (or _DATA) ' +
        'go together (or a profile\'s client_cert_* and client_key_*); only one is set',
    );
  }
  let options: ReturnType<typeof toClientOptions>;
  try {
    options = toClientOptions(profile);
  } catch (error) {
    throw new Error(`Invalid environment: a TEMPORAL_TLS_*_PATH file (or the profile's) cannot be read: ${messageOf(error)}`);
  }
  const { apiKey, tls: tlsOptions, metadata } = options.connectionOptions;
  const address = profile.address ?? DEFAULT_TEMPORAL_ADDRESS;
  return {
    address,
    addressSet: profile.address !== undefined,
    namespace: profile.namespace ?? DEFAULT_TEMPORAL_NAMESPACE,
    connection: {
      address,
      ...(tlsOptions !== undefined && tlsOptions !== null ? { tls: tlsOptions } : {}),
      ...(apiKey !== undefined ? { apiKey } : {}),
      ...(metadata !== undefined ? { metadata: metadata as Record<string, string> } : {}),
    },
  };
}

/** A connection to Temporal refused for a reason a setting fixes; its message names the setting. */
export class TemporalConnectionRefused extends Error {}

/**
 * What a failed connect to Temporal means in settings, when the TLS handshake says: the server
 * wants a client certificate (mTLS) and none was sent, or its certificate is signed by a CA this
 * process does not trust. Any other failure is returned as it came.
 */
export function explainTemporalConnectFailure(error: unknown, settings: TemporalConnectionSettings): unknown {
  const text = messageOf(error);
  const at = `Temporal at ${settings.address}`;
  if (/CertificateRequired/i.test(text)) {
    return new TemporalConnectionRefused(
      `${at} requires a client certificate (mTLS) and none was sent: set TEMPORAL_TLS_CLIENT_CERT_PATH and ` +
        `TEMPORAL_TLS_CLIENT_KEY_PATH (or _DATA, or a temporal.toml profile's tls.client_cert_path and client_key_path)`,
    );
  }
  // Under TLS 1.3 the server's alert may come after the client's side of the handshake is done,
  // and the client then sees only its connection closed.
  const noClientCertificate = settings.tls !== undefined && settings.tls !== false && (settings.tls === true || !settings.tls.clientCertPair);
  if (noClientCertificate && /connection closed|transport error/i.test(text)) {
    return new TemporalConnectionRefused(
      `${at} closed the TLS connection and no client certificate was sent: if it requires one (mTLS), set ` +
        `TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (or _DATA, or a temporal.toml profile's tls.client_cert_path and client_key_path). ` +
        `(${text})`,
    );
  }
  if (/UnknownCA|BadCertificate|certificate unknown/i.test(text)) {
    return new TemporalConnectionRefused(
      `${at} refused the client certificate of TEMPORAL_TLS_CLIENT_CERT_PATH (or the profile's): it is not signed by a CA the server trusts`,
    );
  }
  if (/UnknownIssuer|invalid peer certificate/i.test(text)) {
    return new TemporalConnectionRefused(
      `${at} presented a certificate this process does not trust: set TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that signed it ` +
        `(and TEMPORAL_TLS_SERVER_NAME if it names another host)`,
    );
  }
  return error;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Shortest WEBHOOK_SECRET accepted: 16 characters are about 96 bits when random. */
const MIN_WEBHOOK_SECRET_LENGTH = 16;

/**
 * Callbacks need a secret to sign their URLs with, and a PUBLIC_URL the provider can reach (the
 * default, localhost, is this host only): either missing stops the start.
 */
function readProviderWebhooks(on: boolean, secret: string | undefined, publicUrl: string | undefined) {
  if (!on) return undefined;
  if (secret === undefined || secret.length < MIN_WEBHOOK_SECRET_LENGTH) {
    throw new Error(
      `Invalid environment: WEBHOOK_SECRET must be set, at least ${MIN_WEBHOOK_SECRET_LENGTH} characters, when PROVIDER_WEBHOOKS is on`,
    );
  }
  if (publicUrl === undefined) {
    throw new Error('Invalid environment: PUBLIC_URL must be set to an address providers can reach when PROVIDER_WEBHOOKS is on');
  }
  return { secret };
}

const MediaEnvSchema = EnvSchema.pick({ FFMPEG_PATH: true, FFPROBE_PATH: true });

/**
 * The media tools' paths alone, for code that runs them without a config in hand (the analysis
 * and the simulator); the same variables loadConfig reads.
 */
export function loadMediaToolPaths(env: NodeJS.ProcessEnv = process.env): MediaToolPaths {
  const e = MediaEnvSchema.parse(env);
  return { ffmpegPath: e.FFMPEG_PATH, ffprobePath: e.FFPROBE_PATH };
}

// S3's rules for bucket names (3-63 of a-z 0-9 . -, starting and ending with a letter or digit).
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX_SEGMENT_PATTERN = /^[A-Za-z0-9._-]+$/;

/** ASSET_STORE and the S3_* / AWS_* settings that go with it; a malformed value stops the start. */
function parseAssetStore(e: z.infer<typeof EnvSchema>, dataDir: string): AssetStoreConfig {
  const local: LocalAssetStoreConfig = { kind: 'local', rootDir: path.join(dataDir, 'assets') };
  const value = e.ASSET_STORE;
  if (value === undefined) return local;
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(value);
  const bucket = match?.[1] ?? '';
  const prefix = (match?.[2] ?? '').replace(/\/+$/, '');
  const segments = prefix === '' ? [] : prefix.split('/');
  if (
    !match ||
    !BUCKET_PATTERN.test(bucket) ||
    segments.some((segment) => !PREFIX_SEGMENT_PATTERN.test(segment) || segment === '.' || segment === '..')
  ) {
    throw new Error(
      `Invalid environment: ASSET_STORE must be unset (files under DATA_DIR/assets) or s3://<bucket>[/<prefix>] ` +
        `with an S3 bucket name and a prefix of letters, digits, '.', '_', '-' and '/'; "${value}" is not`,
    );
  }
  let endpoint: string | undefined;
  if (e.S3_ENDPOINT !== undefined) {
    const url = URL.canParse(e.S3_ENDPOINT) ? new URL(e.S3_ENDPOINT) : undefined;
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.username || url.password) {
      throw new Error(`Invalid environment: S3_ENDPOINT must be an http(s) URL without credentials, like http://127.0.0.1:7070; "${e.S3_ENDPOINT}" is not`);
    }
    endpoint = e.S3_ENDPOINT.replace(/\/+$/, '');
  }
  if ((e.AWS_ACCESS_KEY_ID === undefined) !== (e.AWS_SECRET_ACCESS_KEY === undefined)) {
    throw new Error('Invalid environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together; only one is set');
  }
  const credentials =
    e.AWS_ACCESS_KEY_ID !== undefined && e.AWS_SECRET_ACCESS_KEY !== undefined
      ? { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY, sessionToken: e.AWS_SESSION_TOKEN }
      : undefined;
  return {
    kind: 's3',
    bucket,
    prefix,
    endpoint,
    region: e.S3_REGION,
    credentials,
  };
}

/**
 * Providers cap concurrent tasks per account (plans differ), so the default only keeps a large
 * storyboard from flooding one provider; set the plan's figure per provider.
 */
const DEFAULT_PROVIDER_CONCURRENCY = 10;

/** "kling=3,runway=2" → a limit for every provider, the ones not named at the default. */
export function parseProviderConcurrency(list: string | undefined): Record<ProviderName, number> {
  const limits = Object.fromEntries(PROVIDER_NAMES.map((name) => [name, DEFAULT_PROVIDER_CONCURRENCY])) as Record<
    ProviderName,
    number
  >;
  for (const pair of (list ?? '').split(',').map((item) => item.trim())) {
    if (pair === '') continue;
    const match = /^([a-z]+)\s*=\s*(\d+)$/.exec(pair);
    const provider = match?.[1];
    const limit = Number(match?.[2]);
    if (!match || !isProviderName(provider) || !Number.isSafeInteger(limit) || limit < 1) {
      throw new Error(
        `Invalid environment: PROVIDER_CONCURRENCY must look like "kling=3,runway=2" with providers among ` +
          `${PROVIDER_NAMES.join(', ')} and limits of at least 1; "${pair}" is not`,
      );
    }
    limits[provider] = limit;
  }
  return limits;
}

/**
 * "ana:token1:7+8,bo:token2" → one entry per reviewer, each with the projects the token may see
 * (none listed: every project); a malformed list stops the start.
 */
export function parseReviewerTokens(list: string | undefined): ReviewerToken[] {
  if (list === undefined) return [];
  const malformed = 'Invalid environment: REVIEW_API_TOKENS must look like "name:token:7+8,name:token"';
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [name, token, projectList, ...rest] = entry.split(':').map((part) => part.trim());
      if (!name || !token || rest.length > 0) throw new Error(malformed);
      if (projectList === undefined) return { reviewer: name, token };
      if (!/^[1-9]\d{0,9}(\+[1-9]\d{0,9})*$/.test(projectList)) throw new Error(malformed);
      return { reviewer: name, token, projects: projectList.split('+').map(Number) };
    });
}
