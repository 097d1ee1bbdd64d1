import type { AppConfig } from '../src/config';
import type { Db } from '../src/db/database';
import { createDatabaseRoundStore } from '../src/db/round-store';
import { judgingHistory } from '../src/db/judging-history';
import type { AssetStore } from '../src/storage/asset-store';
import { createDatabaseConcurrencyGate } from '../src/providers/concurrency-gate';
import { createProviderClients, providerKeyProblem } from '../src/providers/registry';
import { createDatabaseSubmissionLedger } from '../src/providers/submission-ledger';
import { createAnalysisActivities, readThroughStore } from './analysis';
import { createGenerationActivities } from './generation';
import type { NotificationActivities } from '../src/domain/notification-activities';
import { createNotificationActivities, eventStarter } from './notifications';
import { createRoundActivities } from './rounds';
import { createRoundStepActivities } from './round-steps';
import { createSceneRecordActivities } from './scene-records';
import { createOutputStorer } from './store-output';

export interface ActivityDeps {
  config: AppConfig;
  db: Db;
  store: AssetStore;
}

/** Every real activity, wired for the worker: one factory per kind of I/O. */
export function createActivities({ config, db, store }: ActivityDeps) {
  return {
    ...createGenerationActivities({
      providers: createProviderClients(config),
      // Both in the database every worker shares: the limits hold across hosts, and a retried
      // generation finds its task whichever host it lands on.
      ledger: createDatabaseSubmissionLedger(db),
      gate: createDatabaseConcurrencyGate({ db, limits: config.providerConcurrency }),
      storeOutput: createOutputStorer({
        store,
        maxAssetBytes: config.maxAssetBytes,
        // The simulator serves its files over plain http on loopback; nothing else may.
        allowLoopback: config.simUrl !== undefined,
      }),
      callbacks: config.providerWebhooks && { publicUrl: config.publicUrl, secret: config.providerWebhooks.secret },
      readAsset: (asset) => readStoredBytes(store, asset.key),
    }),
    // An object store's assets are copied to a private file for ffmpeg and removed afterwards.
    ...createAnalysisActivities({
      config,
      readAsset: readThroughStore(store, config.scratchDir),
      judgingHistory: (contentType) => judgingHistory(db.kysely, contentType),
    }),
    ...createRoundStepActivities({
      store: createDatabaseRoundStore(db, config.providerBreaker, config.notifications),
      keyProblem: (provider) => providerKeyProblem(config, provider),
      startEvents: eventStarter(db, config.notifications),
    }),
    ...createSceneRecordActivities(db),
    ...createRoundActivities(),
    ...createNotificationActivities(db, config.notifications),
  };
}

/** A stored asset's bytes (a repair's source, at most a few megabytes). */
async function readStoredBytes(store: AssetStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.openRead(key)) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * The activities the round and the pipeline step call, by name: what `proxyActivities` is typed
 * with. The delivery workflow's are typed apart (src/domain/notification-activities.ts).
 */
export type SceneActivities = Omit<ReturnType<typeof createActivities>, keyof NotificationActivities>;
