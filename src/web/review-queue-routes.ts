import type { FastifyInstance } from 'fastify';
import { getReviewEntry, listReviewQueue } from '../db/queries';
import { RoundNotRunningError, signalDecision } from '../client/regeneration-round';
import { DEFAULT_DECISION_HOLD_MS } from '../config';
import type { UserDecision } from '../domain/regeneration';
import { DecisionsInFlight } from './decisions-in-flight';
import { badRequest, conflict, notFound } from './http-error';
import { DecisionBodySchema, parseRequest, ReviewEntryParamsSchema, ReviewQueueQuerySchema } from './request-schemas';
import { translateTemporalFailure } from './temporal-failures';
import type { WebDeps } from './web-deps';

export function registerReviewQueueRoutes(api: FastifyInstance, deps: WebDeps): void {
  const inFlight = new DecisionsInFlight(deps.decisionHoldMs ?? DEFAULT_DECISION_HOLD_MS);

  api.get('/review-queue', async (request) => {
    const query = parseRequest(ReviewQueueQuerySchema, request.query, 'query');
    return listReviewQueue(deps.db, query);
  });

  /**
   * Only signals: the entry is closed by the round's own activity when it carries the decision
   * out, so a signal that never lands never closes an entry.
   */
  api.post('/review-queue/:entryId/decision', async (request, reply) => {
    const { entryId } = parseRequest(ReviewEntryParamsSchema, request.params, 'params');
    const body = parseRequest(DecisionBodySchema, request.body, 'body');
    const entry = await getReviewEntry(deps.db, entryId);
    if (entry === undefined) throw notFound(`Review entry ${entryId} not found`);
    if (entry.status !== 'pending') {
      const by = entry.decidedBy ? ` by ${entry.decidedBy}` : '';
      throw conflict(`Review entry ${entryId} was already decided${by}`);
    }
    if (body.action === 'approve' && body.attemptNumber !== undefined && body.attemptNumber > 0) {
      const attempt = entry.attempts.find((a) => a.attemptNumber === body.attemptNumber);
      if (attempt === undefined) throw badRequest(`Review entry ${entryId} has no attempt ${body.attemptNumber}`);
      if (!attempt.assetUrl || !attempt.analysisResult) {
        throw badRequest(`Attempt ${body.attemptNumber} produced no asset to approve`);
      }
    }
    const decision: UserDecision = { ...body, reviewer: request.reviewer };
    if (!inFlight.claim(entryId)) {
      throw conflict(`A decision for review entry ${entryId} was already sent and is being carried out`);
    }
    const target = { workflowId: entry.workflowId, runId: entry.runId };
    try {
      await signalDecision(deps.temporal, target, decision);
    } catch (error) {
      inFlight.release(entryId);
      if (error instanceof RoundNotRunningError) {
        throw conflict(`Review entry ${entryId} can no longer be decided: its round ${entry.workflowId} is not running`);
      }
      throw translateTemporalFailure(error);
    }
    request.log.info({ entryId, ...target, action: decision.action, reviewer: decision.reviewer }, 'decision signalled');
    return reply.code(202).send({ entryId, ...target, decision });
  });
}
