import { asyncLocalStorage, type Context } from '@temporalio/activity';
import type { AssetRef } from '../src/domain/asset';
import type { SceneKind } from '../src/domain/scene';
import { probeMedia, MediaProbeError } from '../src/media/probe';
import { AssetTooLargeError, type AssetStore, type StagedFile } from '../src/storage/asset-store';
import { classifyFetchFailure } from '../src/storage/classify-fetch-failure';
import { IncompleteDownloadError, openDownload } from '../src/storage/download';
import type { ResolveAll } from '../src/storage/safe-url';

/** A provider's output to copy into our store. */
export interface StoreOutputRequest {
  url: string;
  sceneId: number;
  expectedKind: SceneKind;
}

export interface StoreOutputDeps {
  store: AssetStore;
  /** config.maxAssetBytes */
  maxAssetBytes: number;
  /** True when SIM_URL is configured: the simulator serves over plain http on loopback. */
  allowLoopback: boolean;
  /** DNS override; node:dns when absent. */
  resolve?: ResolveAll;
  idleTimeoutMs?: number;
  /** Least time between progress heartbeats. */
  heartbeatEveryMs?: number;
}

/** What storing an output heartbeats while the body streams in. */
export interface StoreAssetHeartbeat {
  bytes: number;
  /** Bytes sent to the object store so far, once the download is staged (S3 store only). */
  uploadedBytes?: number;
}

const DEFAULT_HEARTBEAT_EVERY_MS = 1_000;

/**
 * Copies a provider's output into our store before anything else hears of it (ARCHITECTURE.md:
 * bytes never travel through Temporal, and provider URLs expire): streamed, size-capped, probed,
 * heartbeating its progress. Runs inside the generation activity, which owns the retries.
 */
export function createOutputStorer(deps: StoreOutputDeps): (request: StoreOutputRequest) => Promise<AssetRef> {
  return async function storeOutput(request: StoreOutputRequest): Promise<AssetRef> {
    // Undefined when called outside a worker (tests, scripts): then nothing heartbeats or cancels.
    const context = asyncLocalStorage.getStore();
    const signal = context?.cancellationSignal;
    let staged: StagedFile | undefined;
    try {
      const download = await openDownload(request.url, {
        allowLoopback: deps.allowLoopback,
        resolve: deps.resolve,
        signal,
        idleTimeoutMs: deps.idleTimeoutMs,
      });
      if (download.contentLength !== undefined && download.contentLength > deps.maxAssetBytes) {
        download.response.destroy();
        throw new AssetTooLargeError(deps.maxAssetBytes, download.contentLength);
      }
      staged = await deps.store.stage(download.response, {
        maxBytes: deps.maxAssetBytes,
        onProgress: progressHeartbeat(context, deps.heartbeatEveryMs ?? DEFAULT_HEARTBEAT_EVERY_MS),
        signal,
      });
      if (download.contentLength !== undefined && staged.sizeBytes !== download.contentLength) {
        throw new IncompleteDownloadError(`Received ${staged.sizeBytes} of ${download.contentLength} bytes`);
      }
      const media = await probeMedia(staged.path);
      if (media.kind !== request.expectedKind) {
        throw new MediaProbeError(`Expected ${article(request.expectedKind)} ${request.expectedKind}, got ${media.mediaType}`);
      }
      // An object store uploads here: heartbeats go on while the bytes go up, as while they came in.
      const stored = await deps.store.commit(staged, media.extension, {
        onProgress: progressHeartbeat(context, deps.heartbeatEveryMs ?? DEFAULT_HEARTBEAT_EVERY_MS, staged.sizeBytes),
        signal,
      });
      staged = undefined;
      context?.log.info('Asset stored', { sceneId: request.sceneId, key: stored.key, sizeBytes: stored.sizeBytes });
      return {
        url: stored.url,
        key: stored.key,
        sha256: stored.sha256,
        sizeBytes: stored.sizeBytes,
        mediaType: media.mediaType,
        width: media.width,
        height: media.height,
        durationSeconds: media.durationSeconds,
      };
    } catch (error) {
      if (staged) await deps.store.discard(staged);
      // Temporal reports a cancellation only when the activity throws its CancelledFailure (or
      // an AbortError) while the signal is aborted; dressing it up as a failure would hide it.
      if (signal?.aborted) throw signal.reason ?? error;
      throw classifyFetchFailure(error, request.url);
    }
  };
}

/** Heartbeats the bytes received so far; with `receivedBytes`, the download is done and these are the bytes uploaded. */
function progressHeartbeat(context: Context | undefined, everyMs: number, receivedBytes?: number): ((bytes: number) => void) | undefined {
  if (!context) return undefined;
  let last = 0;
  return (bytes) => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    const details: StoreAssetHeartbeat = receivedBytes === undefined ? { bytes } : { bytes: receivedBytes, uploadedBytes: bytes };
    context.heartbeat(details);
  };
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? 'an' : 'a';
}
