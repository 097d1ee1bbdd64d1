import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3AssetStoreConfig } from '../config';
import { assetKey, mediaTypeForKey, shardedRelativePath } from './asset-key';
import {
  AssetStoreUnavailableError,
  type ByteRange,
  type CommitOptions,
  type StagedFile,
  type StageOptions,
  type StoredAsset,
} from './asset-store';
import { StagedAssetStore } from './staged-asset-store';
import { sweepStagingDir, writeStagingFile } from './staging-writer';

export interface S3AssetStoreOptions extends Omit<S3AssetStoreConfig, 'kind'> {
  /** A directory of this machine's that nothing else reads: downloads are staged here (config.scratchDir). */
  scratchDir: string;
  /** The web server's base URL (config.publicUrl); assets are served under `/assets/<key>`. */
  publicUrl: string;
  /** Multipart part size; the SDK's minimum (5 MiB) when absent, more for very large files. */
  partSizeBytes?: number;
  /** Parts uploaded at once; each holds one part in memory. */
  queueSize?: number;
}

const MIB = 1024 * 1024;
const MIN_PART_BYTES = 5 * MIB;
/** S3 allows 10,000 parts; a margin keeps a file that grew by a part within it. */
const MAX_PARTS = 9_000;
const DEFAULT_QUEUE_SIZE = 4;
/** A connection that does not open within this is an outage, not a slow upload. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Bytes that stop flowing for this long end the request (the SDK retries it). */
const IDLE_SOCKET_MS = 60_000;
const CHECK_TIMEOUT_MS = 15_000;

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH',
  'ENETDOWN', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET',
]);
const CREDENTIAL_ERRORS = new Set([
  'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'TokenRefreshRequired',
  'InvalidSecurity', 'CredentialsProviderError',
  // versitygw's answer (404) for an access key it has no user for.
  'XAdminUserNotFound',
]);
const REGION_ERRORS = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException']);

/**
 * The setting a failed start-up check blames, so the one line the process prints before it
 * exits says what to fix.
 */
export type AssetStoreSetting = 'S3_ENDPOINT' | 'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY' | 'ASSET_STORE' | 'S3_REGION';

/** The store failed its start-up check; the message is one line that names `setting`. */
export class AssetStoreCheckError extends Error {
  override readonly name = 'AssetStoreCheckError';
  constructor(
    readonly setting: AssetStoreSetting,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`Asset store unusable, check ${setting}: ${message}`, options);
  }
}

/**
 * Content-addressed objects `<prefix>/<aa>/<bb>/<sha256>.<ext>` in an S3-compatible bucket,
 * through the AWS SDK v3. A download is staged to a private file on this machine (hashed and
 * capped by the shared staging writer, so it can be probed before commit), then streamed up in
 * parts on commit (lib-storage's Upload: a few parts in memory whatever the size) and removed.
 * Nothing a reader needs stays on this machine.
 */
export class S3AssetStore extends StagedAssetStore {
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  readonly scratchDir: string;
  private readonly publicUrl: string;
  private readonly partSizeBytes: number | undefined;
  private readonly queueSize: number;
  /** `s3://bucket/prefix at <endpoint>`, for messages. */
  readonly description: string;

  constructor(options: S3AssetStoreOptions) {
    super();
    this.bucket = options.bucket;
    this.prefix = options.prefix.replace(/^\/+|\/+$/g, '');
    this.scratchDir = options.scratchDir;
    this.publicUrl = options.publicUrl.replace(/\/+$/, '');
    this.partSizeBytes = options.partSizeBytes;
    this.queueSize = options.queueSize ?? DEFAULT_QUEUE_SIZE;
    this.description =
      `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}` + (options.endpoint ? ` at ${options.endpoint}` : ` (AWS, ${options.region})`);
    // The SDK prints an eight-line notice on Node 20 (its releases after January 2027 need Node 22)
    // at the first client, which would break the one-JSON-line-per-event logs; the README says it.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      // Virtual-host addressing needs DNS per bucket, which self-hosted servers rarely have.
      forcePathStyle: options.endpoint !== undefined,
      credentials: options.credentials,
      requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: IDLE_SOCKET_MS },
    });
  }

  async stage(source: Readable, options?: StageOptions): Promise<StagedFile> {
    await mkdir(this.scratchDir, { recursive: true });
    return writeStagingFile(source, this.scratchDir, options);
  }

  async commit(staged: StagedFile, extension: string, options: CommitOptions = {}): Promise<StoredAsset> {
    const key = assetKey(staged.sha256, extension);
    try {
      // Identical content is uploaded once; two workers racing on it both write the same bytes.
      if ((await this.stat(key)) === undefined) await this.upload(staged, key, options);
    } finally {
      await this.discard(staged);
    }
    return { key, url: this.urlFor(key), sha256: staged.sha256, sizeBytes: staged.sizeBytes };
  }

  async stat(key: string): Promise<{ sizeBytes: number } | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return { sizeBytes: head.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw this.failure(error, `looking up ${key}`);
    }
  }

  async openRead(key: string, range?: ByteRange): Promise<Readable> {
    let body: unknown;
    try {
      const object = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey(key),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      body = object.Body;
    } catch (error) {
      if (isNotFound(error)) throw Object.assign(new Error(`No such asset: ${key}`), { code: 'ENOENT', cause: error });
      throw this.failure(error, `reading ${key}`);
    }
    // In Node the SDK's body is the response's IncomingMessage: a Readable that streams.
    return body as Readable;
  }

  urlFor(key: string): string {
    return `${this.publicUrl}/assets/${key}`;
  }

  /** The object's key in the bucket: `<prefix>/<aa>/<bb>/<sha256>.<ext>`. */
  objectKey(key: string): string {
    const relative = shardedRelativePath(key);
    return this.prefix ? `${this.prefix}/${relative}` : relative;
  }

  /** Deletes staging files older than `olderThanMs` that a killed worker left in scratchDir. */
  async sweepStaging(olderThanMs: number, now = Date.now()): Promise<number> {
    return sweepStagingDir(this.scratchDir, olderThanMs, now);
  }

  /**
   * Start-up check: one listing of at most one key under the prefix, which needs the endpoint
   * to answer, the credentials to be valid and the bucket to exist and be readable. Throws an
   * AssetStoreCheckError naming the setting to fix.
   */
  async check(): Promise<void> {
    try {
      await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix ? `${this.prefix}/` : undefined, MaxKeys: 1 }), {
        abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
      });
    } catch (error) {
      throw this.checkFailure(error);
    }
  }

  private async upload(staged: StagedFile, key: string, options: CommitOptions): Promise<void> {
    options.signal?.throwIfAborted();
    const body = createReadStream(staged.path);
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: body,
        ContentLength: staged.sizeBytes,
        ContentType: mediaTypeForKey(key),
        CacheControl: 'public, max-age=31536000, immutable',
      },
      partSize: this.partSizeBytes ?? Math.max(MIN_PART_BYTES, Math.ceil(staged.sizeBytes / MAX_PARTS)),
      queueSize: this.queueSize,
      // A failed multipart upload is aborted, so no orphaned parts are billed.
      leavePartsOnError: false,
    });
    const { onProgress, signal } = options;
    if (onProgress) upload.on('httpUploadProgress', (progress) => onProgress(progress.loaded ?? 0));
    // A cancelled activity stops sending parts; the multipart upload is aborted, not left behind.
    const abort = (): void => void upload.abort().catch(() => undefined);
    signal?.addEventListener('abort', abort, { once: true });
    try {
      await upload.done();
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      throw this.failure(error, `uploading ${key}`);
    } finally {
      signal?.removeEventListener('abort', abort);
      body.destroy();
    }
  }

  /** An SDK error during normal work: an outage becomes AssetStoreUnavailableError (retryable). */
  private failure(error: unknown, action: string): Error {
    const detail = describeS3Error(error);
    if (isOutage(error)) {
      return new AssetStoreUnavailableError(`The asset store ${this.description} is unavailable (${action}): ${detail}`, { cause: error });
    }
    return new Error(`The asset store ${this.description} failed ${action}: ${detail}`, { cause: error });
  }

  private checkFailure(error: unknown): AssetStoreCheckError {
    const detail = describeS3Error(error);
    const name = errorName(error);
    const where = this.description;
    if (isOutage(error) || isAbort(error)) {
      return new AssetStoreCheckError('S3_ENDPOINT', `the object store for ${where} cannot be reached (${detail})`, { cause: error });
    }
    if (name !== undefined && CREDENTIAL_ERRORS.has(name)) {
      return new AssetStoreCheckError('AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY', `${where} refused the credentials (${detail})`, { cause: error });
    }
    if (name === 'NoSuchBucket') {
      return new AssetStoreCheckError('ASSET_STORE', `the bucket "${this.bucket}" does not exist at ${where} (${detail})`, { cause: error });
    }
    if (name !== undefined && REGION_ERRORS.has(name)) {
      return new AssetStoreCheckError('S3_REGION', `${where} is in another region (${detail})`, { cause: error });
    }
    if (httpStatus(error) === 403) {
      return new AssetStoreCheckError(
        'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
        `${where} denied listing the bucket with these credentials (${detail})`,
        { cause: error },
      );
    }
    return new AssetStoreCheckError('ASSET_STORE', `checking ${where} failed (${detail})`, { cause: error });
  }
}

function errorName(error: unknown): string | undefined {
  if (error instanceof S3ServiceException) return error.name;
  return error instanceof Error ? error.name : undefined;
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function errorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined) return code;
  // Node reports a refused connection to a name with several addresses as an AggregateError.
  if (error instanceof AggregateError) return errorCode(error.errors[0]);
  return errorCode(error.cause);
}

function isNotFound(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NoSuchKey' || name === 'NotFound' || (httpStatus(error) === 404 && name !== 'NoSuchBucket');
}

function isAbort(error: unknown): boolean {
  const name = errorName(error);
  return name === 'AbortError' || name === 'TimeoutError';
}

/** Connection trouble, timeouts, 5xx and throttling: the store is down or overloaded, not wrong. */
function isOutage(error: unknown): boolean {
  const code = errorCode(error);
  if (code !== undefined && NETWORK_ERROR_CODES.has(code)) return true;
  const name = errorName(error);
  if (name === 'TimeoutError' || name === 'RequestTimeout' || name === 'SlowDown' || name === 'ServiceUnavailable') return true;
  const status = httpStatus(error);
  return status !== undefined && (status >= 500 || status === 429 || status === 408);
}

/** `<name> (HTTP <status>): <message>` without anything the request carried (no keys, no signatures). */
function describeS3Error(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = httpStatus(error);
  const code = errorCode(error);
  const parts = error.name === 'Error' ? [] : [error.name];
  if (status !== undefined) parts.push(`HTTP ${status}`);
  if (code !== undefined && code !== error.name && !error.message.includes(code)) parts.push(code);
  const message = error.message && error.message !== error.name && error.message !== 'UnknownError' ? `: ${error.message}` : '';
  return (parts.length > 0 ? `${parts.join(', ')}${message}` : message.slice(2)).replace(/\s+/g, ' ');
}
