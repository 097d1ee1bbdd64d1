import type { FastifyInstance } from 'fastify';
import type { DecisionAccepted } from '../domain/http-api';
import { getReviewEntry, getScene, listReviewQueuePage, pendingReviewEntryOf } from '../db/queries';
import { RoundNotRunningError, signalDecision } from '../temporal/regeneration-round';
import { decisionProblem } from '../rules/decision';
import { AUDIT_REASON, auditDecisionProblem } from '../rules/audit';
import { labelAudit } from '../db/audit-writes';
import { DEFAULT_DECISION_HOLD_MS } from '../config';
import { DecisionsInFlight } from './decisions-in-flight';
import { decidedScene } from './regeneration-request';
import { canSee, checkProjectInScope } from './reviewer-auth';
import { badRequest, conflict, notFound } from './http-error';
import { parseDecisionBody, parseRequest, ReviewEntryParamsSchema, ReviewQueueQuerySchema } from './request-schemas';
import { translateTemporalFailure } from './temporal-failures';
import type { WebDeps } from './web-deps';
import { ROUTE_SCHEMAS } from './openapi/route-schemas';

export function registerReviewQueueRoutes(api: FastifyInstance, deps: WebDeps): void {
  const inFlight = new DecisionsInFlight(deps.decisionHoldMs ?? DEFAULT_DECISION_HOLD_MS);

  api.get('/review-queue', { schema: ROUTE_SCHEMAS.reviewQueue }, async (request) => {
    const query = parseRequest(ReviewQueueQuerySchema, request.query, 'query');
    checkProjectInScope(request.projectScope, query.projectId);
    return listReviewQueuePage(deps.db, { ...query, projectIds: request.projectScope });
  });

  /**
   * Only signals: the entry is closed by the round's own activity when it carries the decision
   * out, so a signal that never lands never closes an entry.
   */
  api.post('/review-queue/:entryId/decision', { schema: ROUTE_SCHEMAS.decision }, async (request, reply) => {
    const { entryId } = parseRequest(ReviewEntryParamsSchema, request.params, 'params');
    const decision = parseDecisionBody(request.body, request.reviewer);
    const entry = await getReviewEntry(deps.db, entryId);
    if (entry === undefined || !canSee({ projects: request.projectScope }, entry.projectId)) {
      throw notFound(`Review entry ${entryId} not found`);
    }
    if (entry.status === 'decided') {
      const by = entry.decidedBy ? ` by ${entry.decidedBy}` : '';
      throw conflict(`Review entry ${entryId} was already decided${by}`);
    }
    if (entry.status !== 'pending') {
      throw conflict(`Review entry ${entryId} is closed (${entry.status}${entry.closeReason ? `: ${entry.closeReason}` : ''})`);
    }
    if (entry.reason === AUDIT_REASON) {
      // An audit's round is over: the verdict is written here as the entry's label, no round is signalled.
      const problem = auditDecisionProblem(decision);
      if (problem !== undefined) throw badRequest(`Review entry ${entryId}: ${problem}`);
      const { labelled } = await labelAudit(deps.db.kysely, { entryId, decision, decidedAt: new Date().toISOString() });
      if (!labelled) throw conflict(`Review entry ${entryId} was already decided`);
      request.log.info({ entryId, action: decision.action, reviewer: decision.reviewer }, 'audit labelled');
      const labelledAnswer: DecisionAccepted = { entryId, workflowId: entry.workflowId, runId: entry.runId, decision };
      return reply.code(200).send(labelledAnswer);
    }
    // The decision goes to the round's latest run, which waits on the scene's newest entry: an
    // older entry still pending is an earlier run's (reset, terminated), the reconciler's to close.
    const newest = await pendingReviewEntryOf(deps.db, entry.sceneId);
    if (newest !== undefined && newest.id !== entryId) {
      throw conflict(`Review entry ${entryId} is an earlier run's: its round now waits on entry ${newest.id}`);
    }
    // A provider the person names must be able to make the scene, as the round will check too.
    const scene = decision.action === 'regenerate' && decision.provider ? await getScene(deps.db, entry.sceneId) : undefined;
    const problem = decisionProblem(decision, entry.attempts, scene && decidedScene(scene));
    if (problem !== undefined) throw badRequest(`Review entry ${entryId}: ${problem}`);
    if (decision.action === 'approve' && decision.attemptNumber === undefined && entry.bestPick === undefined) {
      throw conflict(`Review entry ${entryId}: nothing to approve: neither the round nor the scene has an asset that could pass; reject, or regenerate`);
    }
    if (!inFlight.claim(entryId)) {
      throw conflict(`A decision for review entry ${entryId} was already sent and is being carried out`);
    }
    const target = { workflowId: entry.workflowId, runId: entry.runId };
    try {
      await signalDecision(deps.temporal, entry.workflowId, decision);
    } catch (error) {
      inFlight.release(entryId);
      if (error instanceof RoundNotRunningError) {
        throw conflict(`Review entry ${entryId} can no longer be decided: its round ${entry.workflowId} is not running`);
      }
      throw translateTemporalFailure(error);
    }
    request.log.info({ entryId, ...target, action: decision.action, reviewer: decision.reviewer }, 'decision signalled');
    const answer: DecisionAccepted = { entryId, ...target, decision };
    return reply.code(202).send(answer);
  });
}
