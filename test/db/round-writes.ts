import { closeDecidedEntry, createRoundStepActivities } from '../../activities/round-steps';
import { createSceneRecordActivities } from '../../activities/scene-records';
import type { Db } from '../../src/db/database';
import { providerEvidence, type EvidenceFilter } from '../../src/db/provider-evidence';
import { createDatabaseRoundStore } from '../../src/db/round-store';
import type { ProviderName } from '../../src/domain/provider';
import type { BestPick } from '../../src/domain/best-pick';
import type { SceneAnalysisResult } from '../../src/domain/analysis';
import type { AssetRef } from '../../src/domain/asset';
import type { EscalationReason, RegenerationAttempt, UserDecision } from '../../src/domain/regeneration';
import type { ReserveBudgetRequest } from '../../src/domain/round-steps';
import { DEFAULT_BREAKER, type BreakerSettings } from '../../src/rules/provider-health';

/** Where a seeded row belongs: a round of a workflow run. */
export interface SeedRound {
  workflowId: string;
  runId?: string;
  round: number;
  sceneId: number;
  projectId: number;
}

export interface SeedEscalation extends SeedRound {
  sceneIndex: number;
  reason: EscalationReason;
  bestScore: number;
  bestAttemptNumber?: number;
  bestPick?: BestPick;
  attempts: RegenerationAttempt[];
  escalatedAt: string;
}

export interface SeedOutcome {
  workflowId: string;
  runId?: string;
  sceneId: number;
  projectId?: number;
  /** Implied by the outcome (review_timed_out is flagged); accepted for readability. */
  needsUserReview?: boolean;
  outcome: 'passed' | 'approved' | 'rejected' | 'review_timed_out';
  finalScore: number;
  asset?: { url: string; provider?: ProviderName; ref?: AssetRef };
  analysis?: SceneAnalysisResult;
}

/**
 * The round's real activities and the write modules behind them, called the way tests seed and
 * read rows: every write goes through the code the worker runs (activities/round-steps.ts,
 * src/db/round-store.ts), so what a test seeds is what a round would have written.
 */
export function roundWrites(db: Db, breaker: BreakerSettings = DEFAULT_BREAKER) {
  const store = createDatabaseRoundStore(db, breaker);
  const steps = createRoundStepActivities({ store, keyProblem: () => undefined });
  const scenes = createSceneRecordActivities(db);
  const ref = (seed: SeedRound) => ({ workflowId: seed.workflowId, runId: seed.runId ?? '', round: seed.round, sceneId: seed.sceneId, projectId: seed.projectId });
  return {
    ...scenes,
    steps,
    store,
    recordAttempt: (seed: Omit<SeedRound, 'round'> & { attempt: RegenerationAttempt }) =>
      steps.recordAttempt({ ref: ref({ ...seed, round: seed.attempt.round }), attempt: seed.attempt }),
    escalateToReview: ({ workflowId, runId, round, sceneId, projectId, ...rest }: SeedEscalation) =>
      steps.escalateToReview({ ref: ref({ workflowId, runId, round, sceneId, projectId }), ...rest }),
    /** Closes the entry with the decision as the round's steps do (metrics counted); by id, or by the round's run when no id is given. */
    closeReviewEntry: async (seed: { entryId?: number; workflowId: string; runId?: string; round: number; decision: UserDecision; decidedAt: string }) => {
      const { decision, decidedAt } = seed;
      const entryId = seed.entryId ?? (await entryOf(db, seed));
      return closeDecidedEntry(store, ref({ ...seed, sceneId: 0, projectId: 0 }), { entryId, decision, decidedAt });
    },
    endReviewEntry: ({ entryId, status, reason, endedAt }: { entryId: number; status: 'expired' | 'cancelled'; reason: string; endedAt: string }) =>
      store.endEntry({ entryId, status, reason, endedAt }),
    restoreSceneAfterCancel: (seed: { workflowId: string; sceneId: number }) =>
      store.endScene({ workflowId: seed.workflowId, runId: '', round: 1, sceneId: seed.sceneId, projectId: 0 }, { outcome: 'cancelled' }),
    saveSceneOutcome: (seed: SeedOutcome) => {
      const round = { workflowId: seed.workflowId, runId: seed.runId ?? '', round: 1, sceneId: seed.sceneId, projectId: seed.projectId ?? 0 };
      if (seed.outcome === 'passed' || seed.outcome === 'approved') {
        const { asset, analysis } = seed;
        if (asset === undefined || analysis === undefined) throw new Error('a kept asset needs its url and analysis');
        return store.endScene(round, {
          outcome: seed.outcome,
          asset: { url: asset.url, ref: asset.ref, provider: asset.provider ?? 'kling', analysis, score: seed.finalScore },
        });
      }
      return store.endScene(round, { outcome: seed.outcome });
    },
    reserveProjectBudget: (request: ReserveBudgetRequest) => store.reserveBudget(request),
    pickProvider: store.pickProvider,
    recordProviderOutcome: store.recordProviderOutcome,
    providerEvidence: (request: EvidenceFilter) => providerEvidence(db.kysely, request),
    attemptEvidence: store.attemptEvidence,
    repairEvidence: store.repairEvidence,
    /** What the project has spent, as budget holds count it: attempts and first assets. */
    projectSpentUsd: async (projectId: number) => {
      const row = await db.kysely
        .selectFrom('regeneration_attempts')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('cost_usd'), eb.lit(0)).as('usd'))
        .where('project_id', '=', projectId)
        .executeTakeFirstOrThrow();
      const first = await db.kysely
        .selectFrom('scenes')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('initial_cost_usd'), eb.lit(0)).as('usd'))
        .where('project_id', '=', projectId)
        .executeTakeFirstOrThrow();
      return Math.round((Number(row.usd) + Number(first.usd)) * 1e6) / 1e6;
    },
  };
}

export type RoundWrites = ReturnType<typeof roundWrites>;

/** The entry a round's run opened, as escalateToReview keyed it (workflow, run, round). */
async function entryOf(db: Db, seed: { workflowId: string; runId?: string; round: number }): Promise<number> {
  const row = await db.kysely
    .selectFrom('review_queue')
    .select('id')
    .where('workflow_id', '=', seed.workflowId)
    .where('run_id', '=', seed.runId ?? '')
    .where('round', '=', seed.round)
    .executeTakeFirst();
  if (row === undefined) throw new Error(`no review entry for ${seed.workflowId} round ${seed.round}`);
  return row.id;
}
