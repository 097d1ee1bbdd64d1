import type { RegenerationAttempt } from '../domain/regeneration';
import type { RoundFigures, SceneEnding } from '../domain/round-steps';
import type { NotificationSettings } from '../notifications/settings';
import type { BreakerSettings } from '../rules/provider-health';
import { reserveProjectBudget } from './budget-reservations';
import type { Db } from './database';
import { attemptEvidence, repairEvidence } from './attempt-evidence';
import { peopleVerdicts } from './verdicts';
import { pickProvider, recordProviderOutcome } from './provider-health';
import * as rounds from './regeneration-writes';
import { endScene, saveScene } from './scene-writes';
import { requestAudit } from './audit-writes';

/**
 * The database side of a round's steps (activities/round-steps.ts RoundStore): the write modules
 * every writer shares, the reconciler in the web server included.
 */
export function createDatabaseRoundStore(db: Db, breaker: BreakerSettings, notify?: NotificationSettings) {
  const { kysely } = db;
  return {
    saveScene: (request: Parameters<typeof saveScene>[1]) => saveScene(kysely, request),
    attemptEvidence: (request: Parameters<typeof attemptEvidence>[1]) => attemptEvidence(kysely, request),
    repairEvidence: (request: Parameters<typeof repairEvidence>[1]) => repairEvidence(kysely, request),
    peopleVerdicts: (filter: { contentType: string }) => peopleVerdicts(kysely, filter),
    pickProvider: (request: Parameters<typeof pickProvider>[1]) => pickProvider(kysely, request, breaker),
    reserveBudget: (request: Parameters<typeof reserveProjectBudget>[1]) => reserveProjectBudget(kysely, request),
    recordAttempt: (ref: rounds.ResolvedRef, attempt: RegenerationAttempt) => rounds.recordAttempt(kysely, ref, attempt),
    recordProviderOutcome: async (report: Parameters<typeof recordProviderOutcome>[1]) => {
      await recordProviderOutcome(kysely, report, breaker);
    },
    // The escalation, the decision and the ending add their outgoing webhooks in their own writes.
    escalate: (request: Parameters<typeof rounds.escalateToReview>[1]) => rounds.escalateToReview(kysely, request, notify),
    requestAudit: (request: Parameters<typeof requestAudit>[1]) => requestAudit(kysely, request, notify),
    closeEntry: (ref: rounds.ResolvedRef, entry: Parameters<typeof rounds.closeReviewEntry>[2]) =>
      rounds.closeReviewEntry(kysely, ref, entry, notify),
    endEntry: async (entry: Parameters<typeof rounds.endReviewEntry>[1]) => {
      await rounds.endReviewEntry(kysely, entry);
    },
    endScene: (ref: rounds.ResolvedRef, ending: SceneEnding, figures?: RoundFigures) =>
      endScene(kysely, ref.sceneId, ending, notify && { notify, workflowId: ref.workflowId, runId: ref.runId, ...figures }),
    releaseRound: (ref: rounds.ResolvedRef) => rounds.releaseRound(kysely, ref),
  };
}
