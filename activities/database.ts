import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DatabaseActivities } from '../src/domain/activity-types';
import { FailureType } from '../src/domain/failures';
import type { Db } from '../src/db/database';
import { isPermanentDataError, RequestRejectedError } from '../src/db/errors';
import * as health from '../src/db/provider-health';
import * as regeneration from '../src/db/regeneration-writes';
import * as scenes from '../src/db/scene-writes';
import * as spend from '../src/db/project-spend';
import { reserveProjectBudget } from '../src/db/budget-reservations';
import { providerEvidence } from '../src/db/provider-evidence';
import { approvalAgrees } from '../src/domain/judge-agreement';
import { countAttempt, countDecision, countEscalation, countJudgeAgreement } from '../src/observability/metrics';
import { DEFAULT_BREAKER, type BreakerSettings } from '../src/rules/provider-health';
import type { NotificationSettings } from '../src/notifications/settings';
import { eventStarter } from './notifications';

/**
 * The only writers of the database. Temporal retries an activity whose completion it never
 * heard of, so each write is idempotent (see the write modules); what would never succeed on
 * retry fails at once as `bad_request`, and everything else is left to the retry policy.
 */
export function createDatabaseActivities(
  db: Db,
  breaker: BreakerSettings = DEFAULT_BREAKER,
  notify?: NotificationSettings,
): DatabaseActivities {
  const { kysely } = db;
  // A write that records an escalation, a decision or an ending adds its outgoing webhooks in
  // its own transaction; the same activity then starts their delivery workflows.
  const startEvents = eventStarter(db, notify);
  return {
    // Metrics count what a write added, not what a retry found already there.
    recordAttempt: async (request) => {
      const { inserted } = await guard(() => regeneration.recordAttempt(kysely, withRunId(request)));
      if (inserted) countAttempt(request.attempt);
    },
    escalateToReview: async (request) => {
      const { entryId, inserted, eventKeys } = await guard(() => regeneration.escalateToReview(kysely, withRunId(request), notify));
      if (inserted) countEscalation();
      await startEvents(eventKeys);
      return { entryId };
    },
    closeReviewEntry: async (request) => {
      const { closed, bestAttemptNumber, eventKeys } = await guard(() => regeneration.closeReviewEntry(kysely, withRunId(request), notify));
      await startEvents(eventKeys);
      if (!closed) return;
      countDecision(request.decision.action);
      const agreed = approvalAgrees(request.decision, bestAttemptNumber);
      if (agreed !== undefined) countJudgeAgreement(agreed);
    },
    endReviewEntry: async (request) => {
      await guard(() => regeneration.endReviewEntry(kysely, request));
    },
    restoreSceneAfterCancel: async (request) => {
      const { eventKeys } = await guard(() => regeneration.restoreSceneAfterCancel(kysely, withRunId(request), notify));
      await startEvents(eventKeys);
    },
    saveSceneOutcome: async (request) => {
      const { eventKeys } = await guard(() => scenes.saveSceneOutcome(kysely, withRunId(request), notify));
      await startEvents(eventKeys);
    },
    saveScene: (request) => guard(() => scenes.saveScene(kysely, request)),
    projectSpend: (request) => guard(() => spend.projectSpend(kysely, request)),
    reserveProjectBudget: (request) => guard(() => reserveProjectBudget(kysely, withRunId(request))),
    // Only the round's content type and kind: a handful of rows in the round's history.
    providerEvidence: (request) => guard(() => providerEvidence(kysely, request)),
    saveSceneAnalysis: (request) => guard(() => scenes.saveSceneAnalysis(kysely, request)),
    pickProvider: (request) => guard(() => health.pickProvider(kysely, request, breaker)),
    recordProviderOutcome: async (report) => {
      await guard(() => health.recordProviderOutcome(kysely, report, breaker));
    },
  };
}

/**
 * The caller's run id, else the run that scheduled this activity, else '' (called outside
 * Temporal). Workflow ids repeat across runs, so the run is part of every idempotency key.
 */
function withRunId<T extends { runId?: string }>(request: T): regeneration.Resolved<T> {
  const runId = request.runId ?? asyncLocalStorage.getStore()?.info.workflowExecution?.runId ?? '';
  return { ...request, runId };
}

async function guard<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof RequestRejectedError) throw badRequest(error.message, error);
    if (isPermanentDataError(error)) {
      throw badRequest(`Database refused the write: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    throw error;
  }
}

function badRequest(message: string, cause: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    message,
    type: FailureType.badRequest,
    nonRetryable: true,
    cause: cause instanceof Error ? cause : undefined,
  });
}
