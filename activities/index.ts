import type { AppConfig } from '../src/config';
import type { SceneActivities } from '../src/domain/activity-types';
import type { NotificationActivities } from '../src/domain/notification-activities';
import type { Db } from '../src/db/database';
import type { AssetStore } from '../src/storage/asset-store';
import { createDatabaseConcurrencyGate } from '../src/providers/concurrency-gate';
import { createProviderClients } from '../src/providers/registry';
import { createDatabaseSubmissionLedger } from '../src/providers/submission-ledger';
import { createAnalysisActivities, readThroughStore } from './analysis';
import { createDatabaseActivities } from './database';
import { createFetchActivities } from './fetch';
import { createGenerationActivities } from './generation';
import { createNotificationActivities } from './notifications';
import { createRoundActivities } from './rounds';

export interface ActivityDeps {
  config: AppConfig;
  db: Db;
  store: AssetStore;
}

/** Every real activity, wired for the worker: one factory per kind of I/O. */
export function createActivities({ config, db, store }: ActivityDeps): SceneActivities & NotificationActivities {
  return {
    ...createGenerationActivities({
      providers: createProviderClients(config),
      // Both in the database every worker shares: the limits hold across hosts, and a retried
      // submit finds its task whichever host it lands on.
      ledger: createDatabaseSubmissionLedger(db),
      gate: createDatabaseConcurrencyGate({ db, limits: config.providerConcurrency }),
      callbacks: config.providerWebhooks && { publicUrl: config.publicUrl, secret: config.providerWebhooks.secret },
    }),
    ...createFetchActivities({
      store,
      maxAssetBytes: config.maxAssetBytes,
      // The simulator serves its files over plain http on loopback; nothing else may.
      allowLoopback: config.simUrl !== undefined,
    }),
    // An object store's assets are copied to a private file for ffmpeg and removed afterwards.
    ...createAnalysisActivities({ config, readAsset: readThroughStore(store, config.scratchDir) }),
    ...createDatabaseActivities(db, config.providerBreaker, config.notifications),
    ...createRoundActivities(),
    ...createNotificationActivities(db, config.notifications),
  };
}
