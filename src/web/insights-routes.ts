import type { FastifyInstance } from 'fastify';
import { getInsights } from '../db/insights';
import type { InsightsResponse } from '../domain/http-api';
import { checkProjectInScope } from './reviewer-auth';
import { InsightsQuerySchema, parseRequest } from './request-schemas';
import type { WebDeps } from './web-deps';
import { ROUTE_SCHEMAS } from './openapi/route-schemas';

/**
 * GET /api/insights: per provider × content type × kind, what the recorded attempts say (the
 * figures the learned provider choice reads), and how often reviewers approved the judge's best.
 * A token scoped to projects sees its projects' figures only; a project outside its scope is 404.
 */
export function registerInsightsRoutes(api: FastifyInstance, deps: WebDeps): void {
  api.get('/insights', { schema: ROUTE_SCHEMAS.insights }, async (request): Promise<InsightsResponse> => {
    const { projectId } = parseRequest(InsightsQuerySchema, request.query, 'query');
    checkProjectInScope(request.projectScope, projectId);
    return getInsights(deps.db, { projectId, projectIds: request.projectScope });
  });
}
